import type { Principal } from '../auth/principal';
import { signToken } from '../auth/token-signer';
import type { Services } from '../services';

export const DEMO_TENANT = 'demo';

const PEOPLE = [
  { sub: 'demo-admin', role: 'admin', name: 'Ada Admin', email: 'admin@demo.test', teamIds: ['support'] },
  { sub: 'demo-agent', role: 'agent', name: 'Alex Agent', email: 'agent@demo.test', teamIds: ['support'] },
  { sub: 'demo-customer', role: 'customer', name: 'Casey Customer', email: 'casey@example.test', teamIds: [] },
] as const;

export interface DemoToken {
  role: string;
  userId: string;
  name: string;
  token: string;
}

/** A demo tenant with an admin, an agent and a customer, and a token for each (valid 12 h). */
export async function seedDemoTenant(services: Services, secret: string): Promise<DemoToken[]> {
  const out: DemoToken[] = [];
  for (const p of PEOPLE) {
    const principal: Principal = {
      userId: p.sub,
      accountId: DEMO_TENANT,
      role: p.role,
      email: p.email,
      name: p.name,
      teamIds: [...p.teamIds],
      exp: 0,
    };
    await services.users.ensure(principal);
    const token = await signToken(
      secret,
      { sub: p.sub, accountId: DEMO_TENANT, role: p.role, name: p.name, email: p.email, teamIds: [...p.teamIds] },
      12 * 3600,
    );
    out.push({ role: p.role, userId: p.sub, name: p.name, token });
  }
  return out;
}

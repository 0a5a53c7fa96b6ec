export * from './enums';
export * from './errors';
export * from './ids';
export * from './models';
export * from './rooms';
export * from './catalogue/index';
export * from './ai';

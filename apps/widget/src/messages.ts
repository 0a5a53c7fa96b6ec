/**
 * Every string the widget shows, per language. English, and Arabic: a widely
 * used right-to-left language, so the table and the layout are both proven to
 * work for a script that runs the other way. `{name}` is filled in.
 */
const en = {
  title: 'Chat with us',
  greeting: 'Hi! Ask us anything, we are here to help.',
  online: "We're online",
  offline: "We'll reply by email",
  placeholder: 'Write a message…',
  send: 'Send',
  attach: 'Attach a file',
  emoji: 'Emoji',
  minimize: 'Minimize chat',
  open: 'Open chat',
  close: 'Close chat',
  reconnecting: 'Connection lost. Reconnecting…',
  typing: '{name} is typing…',
  someone: 'An agent',
  assistant: 'Assistant',
  support: 'Support',
  resolved: 'This conversation was closed — write to reopen it',
  handedOff: 'Connecting you to a person…',
  assigned: '{name} is helping you',
  prechat: 'Before we start: how can we reach you?',
  prechatEmail: 'No one is online right now. Leave your email and we will reply there.',
  name: 'Your name',
  email: 'Email',
  start: 'Start chat',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  sending: 'Sending',
  failed: 'Not sent: click to retry',
  unavailable: 'Chat is unavailable: {name}',
  notSent: 'Not sent: {name}',
};
export type Messages = typeof en;

const ar: Messages = {
  title: 'تحدث معنا',
  greeting: 'مرحبًا! اسألنا عن أي شيء، نحن هنا للمساعدة.',
  online: 'نحن متصلون الآن',
  offline: 'سنرد عليك عبر البريد الإلكتروني',
  placeholder: 'اكتب رسالة…',
  send: 'إرسال',
  attach: 'إرفاق ملف',
  emoji: 'رموز تعبيرية',
  minimize: 'تصغير المحادثة',
  open: 'افتح المحادثة',
  close: 'أغلق المحادثة',
  reconnecting: 'انقطع الاتصال. جارٍ إعادة الاتصال…',
  typing: '{name} يكتب…',
  someone: 'أحد الموظفين',
  assistant: 'المساعد',
  support: 'الدعم',
  resolved: 'أُغلقت هذه المحادثة — اكتب لإعادة فتحها',
  handedOff: 'جارٍ توصيلك بأحد الموظفين…',
  assigned: '{name} يساعدك',
  prechat: 'قبل أن نبدأ: كيف يمكننا التواصل معك؟',
  prechatEmail: 'لا يوجد أحد متصل الآن. اترك بريدك الإلكتروني وسنرد عليك هناك.',
  name: 'اسمك',
  email: 'البريد الإلكتروني',
  start: 'ابدأ المحادثة',
  sent: 'أُرسلت',
  delivered: 'وصلت',
  read: 'قُرئت',
  sending: 'جارٍ الإرسال',
  failed: 'لم تُرسل: انقر لإعادة المحاولة',
  unavailable: 'المحادثة غير متاحة: {name}',
  notSent: 'لم تُرسل: {name}',
};

const TABLE: Record<string, Messages> = { en, ar };
const RTL = ['ar'];

export interface Language {
  lang: string;
  dir: 'ltr' | 'rtl';
  t: Messages;
}

/** `data-lang` when the table has it, else the browser's first language the table has, else English. */
export function pickLanguage(wanted?: string): Language {
  const candidates = [wanted, ...(typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]))];
  const lang = candidates.map((l) => l?.toLowerCase().split('-')[0]).find((l): l is string => !!l && l in TABLE) ?? 'en';
  return { lang, dir: RTL.includes(lang) ? 'rtl' : 'ltr', t: TABLE[lang] as Messages };
}

export const fill = (text: string, name: string) => text.replace('{name}', name);

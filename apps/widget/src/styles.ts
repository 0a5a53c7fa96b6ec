/** The widget's styles, scoped by its shadow root so neither the page nor the widget restyles the other. */
export const WIDGET_CSS = `
:host { all:initial; }
.sb-root { position:fixed; right:20px; bottom:20px; z-index:2147483000; font:14px/1.4 ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color:#1d2433; }
.sb-launcher { width:56px; height:56px; border-radius:50%; border:0; cursor:pointer; background:#4f46e5; color:#fff; box-shadow:0 8px 24px rgba(79,70,229,.4); display:grid; place-items:center; margin-inline-start:auto; position:relative; }
.sb-launcher:hover { background:#4338ca; }
.sb-launcher svg { width:26px; height:26px; }
.sb-unread { position:absolute; top:-2px; right:-2px; min-width:20px; height:20px; padding:0 5px; border-radius:10px; background:#dc2626; color:#fff; font-size:11px; font-weight:700; display:grid; place-items:center; }
.sb-panel { width:min(370px, calc(100vw - 40px)); height:min(540px, calc(100vh - 110px)); background:#fff; border-radius:16px; box-shadow:0 16px 48px rgba(16,24,40,.22); display:flex; flex-direction:column; overflow:hidden; margin-bottom:14px; }
[hidden] { display:none !important; }
.sb-head { background:linear-gradient(135deg, #4f46e5, #6366f1); color:#fff; padding:14px 16px; display:flex; align-items:center; gap:10px; }
.sb-head-text { flex:1; display:grid; }
.sb-head-text span { font-size:12px; opacity:.85; }
.sb-status { width:9px; height:9px; border-radius:50%; background:#86efac; box-shadow:0 0 0 3px rgba(255,255,255,.25); }
.sb-status.off { background:#fca5a5; }
.sb-close { border:0; background:rgba(255,255,255,.15); color:#fff; width:30px; height:30px; border-radius:8px; cursor:pointer; font-size:18px; line-height:1; }
.sb-offline { background:#ff4444; color:#fff; padding:8px; text-align:center; font-size:13px; font-weight:600; }
.sb-messages { list-style:none; margin:0; padding:14px; flex:1; overflow-y:auto; display:flex; flex-direction:column; gap:8px; background:#f7f8fc; }
.sb-row { display:flex; }
.sb-row.mine { justify-content:flex-end; }
.sb-bubble { max-width:80%; padding:8px 12px; border-radius:16px; background:#fff; box-shadow:0 1px 2px rgba(16,24,40,.08); display:grid; gap:2px; }
.mine .sb-bubble { background:#4f46e5; color:#fff; border-end-end-radius:4px; }
.theirs .sb-bubble { border-end-start-radius:4px; }
.sb-author { font-size:11px; font-weight:700; color:#6366f1; }
.sb-text { margin:0; white-space:pre-wrap; overflow-wrap:anywhere; }
.sb-meta { justify-self:end; font-size:10.5px; opacity:.8; display:inline-flex; gap:4px; align-items:center; }
.sb-ticks { font-weight:700; letter-spacing:-.18em; padding-right:.18em; }
.sb-ticks.read { color:#7dd3fc; }
.sb-ticks.failed { color:#fecaca; cursor:pointer; }
.sb-streaming .sb-text::after { content:'▍'; animation:sb-blink 1s steps(1) infinite; color:#6366f1; }
@keyframes sb-blink { 50% { opacity:0; } }
.sb-greeting { align-self:center; text-align:center; color:#667085; font-size:13px; padding:12px 8px; }
.sb-typing { min-height:20px; padding:2px 16px; font-size:12px; font-style:italic; color:#667085; background:#f7f8fc; }
.sb-composer { display:flex; gap:8px; padding:10px; border-top:1px solid #e4e7ef; background:#fff; }
.sb-input { flex:1; resize:none; border:1px solid #e4e7ef; border-radius:10px; padding:8px 10px; font:inherit; color:inherit; min-height:38px; max-height:120px; }
.sb-input:focus, .sb-send:focus-visible, .sb-launcher:focus-visible, .sb-close:focus-visible { outline:2px solid #4f46e5; outline-offset:2px; }
.sb-send { border:0; border-radius:10px; background:#4f46e5; color:#fff; padding:0 14px; cursor:pointer; font-weight:600; }
.sb-send:disabled { opacity:.5; cursor:not-allowed; }
.sb-icon, .sb-emoji button, .sb-file { border:0; background:none; color:inherit; cursor:pointer; font:inherit; padding:0 2px; }
.sb-icon, .sb-emoji button { font-size:19px; }
.sb-emoji { display:flex; flex-wrap:wrap; padding:6px 8px 0; }
.sb-error { color:#dc2626; font-size:12px; padding:0 14px 8px; }
.sb-root[dir=rtl] { right:auto; left:20px; }
.sb-state { display:flex; gap:8px; align-items:center; padding:8px 14px; font-size:13px; background:#eef2ff; color:#3730a3; }
.sb-avatar { width:26px; height:26px; border-radius:50%; background:#4f46e5; color:#fff; display:grid; place-items:center; font-size:11px; font-weight:700; }
.sb-prechat { display:grid; gap:8px; padding:12px; border-top:1px solid #e4e7ef; }
.sb-prechat p { margin:0; font-size:13px; color:#475467; }
.sb-prechat input { border:1px solid #e4e7ef; border-radius:10px; padding:8px 10px; font:inherit; }
.sb-prechat .sb-send { padding:9px; }
@media (max-width:479px) {
  .sb-root.open { inset:0; }
  .sb-root.open .sb-panel { width:100vw; height:var(--sb-vh, 100dvh); border-radius:0; margin:0; }
  .sb-root.open .sb-launcher { display:none; }
}
@media (prefers-reduced-motion:reduce) { .sb-streaming .sb-text::after { animation:none; } }
`;

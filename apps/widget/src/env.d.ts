// The root typecheck compiles this app with the server; these bring the browser's types into that program.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="dom.asynciterable" />
/// <reference types="vite/client" />

/**
 * The raw JS side: JSO interfaces over the Workers runtime's objects (Request, Headers, KV, Cache, R2, D1, Durable
 * Objects, the execution context), one small type each, and the number conversion the build routes through JS.
 * No isr4j rules and no isr4j types: the adapters build on these.
 */
package dev.isr4j.wasm.js;

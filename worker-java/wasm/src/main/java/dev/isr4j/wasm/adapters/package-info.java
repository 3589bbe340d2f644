/**
 * isr4j's interfaces over the raw JS types ({@link dev.isr4j.wasm.js}): KV, R2 and the location's cache as stores, D1,
 * fetch, env, JSON, the log, the coordinator's storage and transport; and what crosses the boundary (bodies that
 * stay in JS, strings, awaited promises, Request and Response). They decide nothing; the hosts wire them.
 */
package dev.isr4j.wasm.adapters;

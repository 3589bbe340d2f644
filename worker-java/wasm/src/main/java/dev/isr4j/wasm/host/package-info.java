/**
 * The hosts: the module's entry point ({@link dev.isr4j.wasm.host.WorkerMain}, whose exports the worker shim calls:
 * the host steps of a request, the green thread that runs one, the coordinator's calls), the green-thread hosts of
 * background work and coordinator calls, and what answers for a thread a trap ended. They wire the adapters to the
 * runtime and convert between JS and Java; every rule is the runtime's.
 */
package dev.isr4j.wasm.host;

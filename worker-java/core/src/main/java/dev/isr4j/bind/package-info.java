/**
 * JSON binding, part of the API: {@link dev.isr4j.bind.Jsonable} marks a record or class whose adapter
 * isr4j-json-processor generates at compile time; {@link dev.isr4j.bind.JsonBinding} reads and writes with them;
 * the parser, writer and {@link dev.isr4j.bind.JsonCodecs} are what generated adapters call. It imports nothing of
 * isr4j (only the JDK), so the API and every layer may use it, and it behaves the same on the JVM and in Wasm.
 */
package dev.isr4j.bind;

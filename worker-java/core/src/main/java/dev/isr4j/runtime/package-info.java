/**
 * The one host facade: {@link dev.isr4j.runtime.IsrRuntime} starts an app, names the early cache read of a
 * request and handles it. The Wasm entry point and the JVM test kit both go through it, so the test kit runs
 * the path workerd takes. Also what a host reads from the environment about itself ({@link
 * dev.isr4j.runtime.Deadlines}).
 *
 * <p>Wires the other packages together and decides nothing itself: no routing, caching or storage rules live here.
 */
package dev.isr4j.runtime;

/**
 * The doors into isr4j for hosts and builds: {@link dev.isr4j.runtime.IsrRuntime} starts an app, begins each
 * request's {@link dev.isr4j.runtime.Exchange} (the sans-I/O steps a host loops over: read this, then answer or
 * run), and gives handlers their KV bindings ({@link dev.isr4j.runtime.IsrRuntime#kv});
 * {@link dev.isr4j.runtime.Coordination} puts its dispatcher under the coordinator;
 * {@link dev.isr4j.build.IsrBuild} prerenders an app's static paths at build time ({@link
 * dev.isr4j.runtime.Prerenderer} renders them through a dispatcher). The Wasm entry point, the JVM test kit and
 * the Maven plugin all go through them, so the test kit runs the path workerd takes. Also what a host reads from
 * the environment about itself ({@link dev.isr4j.runtime.Deadlines}).
 *
 * <p>Wires the other packages together and decides nothing itself: no routing, caching or storage rules live here.
 */
package dev.isr4j.runtime;

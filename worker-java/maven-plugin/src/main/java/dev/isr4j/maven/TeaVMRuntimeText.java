package dev.isr4j.maven;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TeaVM's JS runtime for a Wasm GC module, as the worker ships it. One change from TeaVM's text: the helper
 * functions the runtime makes for every arity up to 31 ({@code createFunctionN}, {@code callFunctionN},
 * {@code callMethodN}, {@code constructN}, {@code arrayOfN}, {@code bindFunctionN}; some 160 {@code new Function}
 * compilations, about 2.5 ms of every isolate's start) are made when the module's instantiation first asks for
 * one, each on its own (all of an arity's together if the loop's body is not the one this class knows). A
 * module imports a few dozen of them, so the rest are never compiled. What each helper does
 * is unchanged: the runtime's own code makes it, with the same arguments.
 */
final class TeaVMRuntimeText {
    /** The eager loop in TeaVM 0.15.0's wasm-gc-module-runtime.min.js. */
    static final String LOOP_START = "const C=[];for(let e=0;e<32;++e){";
    static final String LOOP_END = "C.push(\"p\"+(e+1))}";
    static final String MARKER = "/* isr4j: helpers made on first use */";
    /** How the loop body assigns each helper: {@code t.teavmJso["callFunction"+e]=...}. */
    static final String ASSIGNMENT = "t.teavmJso[\"";
    static final Set<String> KINDS = Set.of("createFunction", "bindFunction", "callFunction", "callMethod", "construct",
            "arrayOf");

    private TeaVMRuntimeText() {
    }

    /**
     * The runtime with its helpers made on first use; null when the text does not hold TeaVM 0.15.0's loop
     * (the runtime is then shipped as TeaVM wrote it).
     */
    static String withLazyHelpers(String runtime) {
        int start = runtime.indexOf(LOOP_START);
        int end = start < 0 ? -1 : runtime.indexOf(LOOP_END, start);
        if (start < 0 || end < 0 || runtime.indexOf(LOOP_START, start + 1) >= 0) {
            return null;
        }
        String body = runtime.substring(start + LOOP_START.length(), end);
        String perKind = perKind(body);
        String lazy = MARKER + "const C=[];for(let e=0;e<32;++e){const P=[...C];"
                + (perKind != null ? perKind : perArity(body))
                + LOOP_END;
        return runtime.substring(0, start) + lazy + runtime.substring(end + LOOP_END.length());
    }

    /**
     * Each helper made when first asked for: the loop body's statement that assigns it (after the body's
     * shared prefix), run alone. Null unless the body is the six assignments this class knows, in any order.
     */
    private static String perKind(String body) {
        List<Integer> starts = new ArrayList<>();
        for (int i = body.indexOf(ASSIGNMENT); i >= 0; i = body.indexOf(ASSIGNMENT, i + 1)) {
            starts.add(i);
        }
        if (starts.size() != KINDS.size()) {
            return null;
        }
        String prefix = body.substring(0, starts.get(0));
        StringBuilder out = new StringBuilder("const K={};");
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < starts.size(); k++) {
            String statement = body.substring(starts.get(k), k + 1 < starts.size() ? starts.get(k + 1) : body.length());
            int nameEnd = statement.indexOf('"', ASSIGNMENT.length());
            String kind = nameEnd < 0 ? "" : statement.substring(ASSIGNMENT.length(), nameEnd);
            if (!KINDS.contains(kind) || !seen.add(kind) || !statement.startsWith(ASSIGNMENT + kind + "\"+e]=")) {
                return null;
            }
            out.append("K[\"").append(kind).append("\"]=(e,C)=>{").append(prefix).append(statement).append("};");
        }
        return out.append("for(const n in K)Object.defineProperty(t.teavmJso,n+e,{configurable:true,enumerable:true,")
                .append("get(){delete t.teavmJso[n+e];K[n](e,P);return t.teavmJso[n+e]}});").toString();
    }

    /** All of an arity's helpers made together when the first of them is asked for. */
    private static String perArity(String body) {
        return "const N=[" + String.join(",", KINDS.stream().map(k -> "\"" + k + "\"").toList()) + "];"
                + "let M=false;const R=()=>{if(M)return;M=true;for(const n of N)delete t.teavmJso[n+e];"
                + "((e,C)=>{" + body + "})(e,P)};"
                + "for(const n of N)Object.defineProperty(t.teavmJso,n+e,{configurable:true,enumerable:true,"
                + "get(){R();return t.teavmJso[n+e]}});";
    }
}

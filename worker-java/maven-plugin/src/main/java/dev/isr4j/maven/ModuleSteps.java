package dev.isr4j.maven;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.lifecycle.MavenExecutionPlan;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;

/**
 * The module's build steps that come before the worker build, as Maven planned them for this module: jte's
 * templates, resources, javac with the module's own compiler configuration and annotation processors (isr4j's
 * JSON processor), and whatever else the pom binds to those phases. The development server runs them again,
 * in Maven's JVM, before each rebuild, so a saved file is compiled exactly as {@code mvn package} compiles it.
 */
final class ModuleSteps {
    private final LifecycleExecutor lifecycle;
    private final MavenSession session;
    private final MojoExecution self;

    ModuleSteps(LifecycleExecutor lifecycle, MavenSession session, MojoExecution self) {
        this.lifecycle = lifecycle;
        this.session = session;
        this.self = self;
    }

    /** Every step of the module's lifecycle up to, and without, this goal's execution. */
    List<MojoExecution> before() throws MojoExecutionException {
        String phase = self.getLifecyclePhase() != null ? self.getLifecyclePhase() : "process-classes";
        MavenExecutionPlan plan;
        try {
            plan = lifecycle.calculateExecutionPlan(session, phase);
        } catch (Exception e) {
            throw new MojoExecutionException("isr4j: cannot plan the module's build up to " + phase + ": " + e, e);
        }
        List<MojoExecution> steps = new ArrayList<>();
        for (MojoExecution step : plan.getMojoExecutions()) {
            if (isSelf(step)) {
                break;
            }
            steps.add(step);
        }
        return steps;
    }

    private boolean isSelf(MojoExecution step) {
        return step.getGroupId().equals(self.getGroupId()) && step.getArtifactId().equals(self.getArtifactId())
                && step.getGoal().equals(self.getGoal()) && step.getExecutionId().equals(self.getExecutionId());
    }
}

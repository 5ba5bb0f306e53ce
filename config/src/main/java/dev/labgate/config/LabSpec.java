package dev.labgate.config;

import dev.labgate.core.lab.KernelArch;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A lab as the policy describes it; the service turns each into a working lab adapter. Who may
 * use a lab, and how much, is its {@link LabAccess} in the policy. Secrets never appear here: a
 * lab names the environment variable that holds its token.
 */
public sealed interface LabSpec {

    String name();

    /** How long a run may take on this lab before it is stopped and reported as timed out. */
    Duration timeout();

    /** The environment variables this lab reads its secrets from. */
    default List<String> secretVariables() {
        return List.of();
    }

    /**
     * A command run on the labgate host in a fresh checkout of the head commit, in a sandbox.
     *
     * @param command a shell command line, run with {@code sh -c}
     * @param env extra environment variables for the command
     * @param maxOutputBytes how much of the end of the output is read for the log excerpt
     * @param confinement the command's sandbox and limits
     */
    record Command(String name, String command, Duration timeout, Map<String, String> env, long maxOutputBytes,
                   Confinement confinement) implements LabSpec {
        public Command {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(timeout, "timeout");
            env = Map.copyOf(env);
            Objects.requireNonNull(confinement, "confinement");
        }
    }

    /**
     * How a command lab's command is confined: the code under test runs in it (docs/labs.md).
     *
     * @param sandboxed false only for the operator's explicit {@code sandbox: none}
     * @param network whether the command keeps the host's network
     * @param readOnly host paths the command may read, at the same place
     * @param cpu CPU time of all the run's processes together, if limited
     * @param memory resident memory of all the run's processes together, in bytes, if limited
     * @param processes processes and threads at once
     * @param output bytes the command may print
     * @param disk bytes in the checkout and the run's {@code /tmp} together
     */
    record Confinement(boolean sandboxed, boolean network, List<Path> readOnly, Optional<Duration> cpu,
                       Optional<Long> memory, int processes, long output, long disk) {
        public Confinement {
            readOnly = List.copyOf(readOnly);
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(memory, "memory");
        }
    }

    /**
     * A kernel build: a command lab, in the same sandbox as every command lab, whose command labgate
     * writes from the configuration named here, and whose kernel image, modules, device trees,
     * {@code .config} and log are published for the stages after it.
     *
     * @param arch the kernel's {@code ARCH}, and with it the image that is built
     * @param defconfig the configuration target to start from ({@code defconfig}, {@code multi_v7_defconfig})
     * @param fragments configuration fragments merged on top, in order: files in the tree
     *                  ({@code kernel/configs/kvm_guest.config}) or single options ({@code CONFIG_KUNIT=y})
     * @param toolchain {@code gcc} or {@code clang}, optionally with a version ({@code gcc-12}, {@code clang-17})
     * @param crossCompile the {@code CROSS_COMPILE} prefix for gcc ({@code aarch64-linux-gnu-}); empty for a native build
     */
    record Build(String name, KernelArch arch, String defconfig, List<String> fragments, String toolchain,
                 Optional<String> crossCompile, Duration timeout, Confinement confinement) implements LabSpec {
        public Build {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arch, "arch");
            Objects.requireNonNull(defconfig, "defconfig");
            fragments = List.copyOf(fragments);
            Objects.requireNonNull(toolchain, "toolchain");
            Objects.requireNonNull(crossCompile, "crossCompile");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(confinement, "confinement");
        }

        /** The configuration's name in results: the defconfig and each fragment's file name ({@code defconfig+kvm_guest}). */
        public String configName() {
            var name = new StringBuilder(defconfig);
            for (var fragment : fragments) {
                if (!fragment.startsWith("CONFIG_") && !fragment.startsWith("#")) {
                    var file = fragment.substring(fragment.lastIndexOf('/') + 1);
                    name.append('+').append(file.endsWith(".config") ? file.substring(0, file.length() - 7) : file);
                }
            }
            if (fragments.stream().anyMatch(f -> f.startsWith("CONFIG_") || f.startsWith("#"))) {
                name.append("+labgate");
            }
            return name.toString();
        }
    }

    /**
     * KernelCI: the head is pushed to a lab-facing repository and a checkout is asked of the pipeline API.
     *
     * @param pipelineUrl the pipeline API root ({@code POST <pipeline-url>/api/checkout})
     * @param apiUrl the KernelCI API root, where nodes are polled
     * @param tokenEnv the name of the environment variable that holds the pipeline JWT
     * @param treeUrl the allowlisted tree URL KernelCI fetches from
     * @param pushUrl where labgate pushes heads so that KernelCI can fetch them (the tree URL unless set)
     * @param pushTokenEnv the name of the environment variable with the credentials for pushing, if any
     * @param branch the configured build branch of the tree
     * @param jobfilter the jobs to run (at most 8), empty for the pipeline's default
     * @param platformfilter the platforms to run on (at most 8), empty for the pipeline's default
     * @param dashboardUrl the public dashboard, for links
     */
    record KernelCi(String name, URI pipelineUrl, URI apiUrl, String tokenEnv, URI treeUrl, URI pushUrl,
                    Optional<String> pushTokenEnv, String branch, List<String> jobfilter, List<String> platformfilter,
                    Duration pollInterval, Optional<URI> dashboardUrl, Duration timeout) implements LabSpec {
        public KernelCi {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pipelineUrl, "pipelineUrl");
            Objects.requireNonNull(apiUrl, "apiUrl");
            Objects.requireNonNull(tokenEnv, "tokenEnv");
            Objects.requireNonNull(treeUrl, "treeUrl");
            Objects.requireNonNull(pushUrl, "pushUrl");
            Objects.requireNonNull(pushTokenEnv, "pushTokenEnv");
            Objects.requireNonNull(branch, "branch");
            jobfilter = List.copyOf(jobfilter);
            platformfilter = List.copyOf(platformfilter);
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(dashboardUrl, "dashboardUrl");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public List<String> secretVariables() {
            return pushTokenEnv.map(push -> List.of(tokenEnv, push)).orElse(List.of(tokenEnv));
        }
    }

    /**
     * LAVA: a job definition rendered from a template is submitted to a LAVA server.
     *
     * @param url the LAVA server ({@code POST <url>/api/v0.2/jobs/})
     * @param tokenEnv the name of the environment variable that holds the API token
     * @param template the job template file (checked to exist when the policy is read)
     * @param variables values for the template
     * @param artifactsUrl where kernels built elsewhere are published, one directory per commit; empty
     *                     when the kernel comes from the build lab this lab runs after
     * @param deviceTree the device tree the boards boot, as the build lab published it under
     *                   {@code dtbs/} ({@code broadcom/bcm2711-rpi-4-b.dtb}); empty when they need none
     */
    record Lava(String name, URI url, String tokenEnv, Path template, Map<String, String> variables,
                Optional<URI> artifactsUrl, Optional<String> deviceTree, Duration pollInterval, Duration timeout)
            implements LabSpec {
        public Lava {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(tokenEnv, "tokenEnv");
            Objects.requireNonNull(template, "template");
            variables = Map.copyOf(variables);
            Objects.requireNonNull(artifactsUrl, "artifactsUrl");
            Objects.requireNonNull(deviceTree, "deviceTree");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public List<String> secretVariables() {
            return List.of(tokenEnv);
        }
    }
}

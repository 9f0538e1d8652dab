package fake.jenkins;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.jar.Manifest;

/**
 * Test-only stand-in for jenkins.war. Started exactly like Jenkins' winstone launcher:
 * {@code java -jar jenkins.war --httpPort=8080 --httpListenAddress=0.0.0.0}, with JENKINS_HOME,
 * CASC_JENKINS_CONFIG and SECRETS from the environment. It "is" the core version build.sh wrote into its manifest.
 */
public final class Main {
    private static final String FUTURE_JAVA = "--enable-future-java";

    private Main() {
    }

    /** The manifest's Jenkins-Version, found the way executable.Main.getVersion finds it. */
    static String version() {
        try {
            Enumeration<URL> manifests = Main.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                try (InputStream in = manifests.nextElement().openStream()) {
                    String v = new Manifest(in).getMainAttributes().getValue("Jenkins-Version");
                    if (v != null) {
                        return v;
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no Jenkins-Version in the jar's manifest: build the stand-in with build.sh");
    }

    /**
     * executable.Main.verifyJavaVersion (war/src/main/java/executable/Main.java:106-151 at jenkins-2.541.3,
     * :107-152 at jenkins-2.568.2), same messages; null when the runtime may start.
     */
    static String javaRefusal(int release, List<Integer> supportedList, boolean enableFutureJava) {
        TreeSet<Integer> supported = new TreeSet<>(supportedList);
        String home = System.getProperty("java.home");
        if (supported.contains(release)) {
            return null;
        } else if (release >= supported.first()) {
            if (enableFutureJava) {
                System.err.printf("Running with Java %d from %s, which is not fully supported. Continuing because %s is"
                        + " set. Supported Java versions are: %s. See https://jenkins.io/redirect/java-support/ for more"
                        + " information.%n", release, home, FUTURE_JAVA, supported);
                return null;
            } else if (release > supported.last()) {
                return String.format("Running with Java %d from %s, which is not yet fully supported.%n"
                        + "Run the command again with the %s flag to enable preview support for future Java versions.%n"
                        + "Supported Java versions are: %s", release, home, FUTURE_JAVA, supported);
            }
            return String.format("Running with Java %d from %s, which is not fully supported.%n"
                    + "Run the command again with the %s flag to bypass this error.%n"
                    + "Supported Java versions are: %s", release, home, FUTURE_JAVA, supported);
        }
        return String.format("Running with Java %d from %s, which is older than the minimum required version (Java %d).%n"
                + "Supported Java versions are: %s", release, home, supported.first(), supported);
    }

    public static void main(String[] args) throws Exception {
        String version = version();
        List<String> arguments = new ArrayList<>(List.of(args));
        boolean future = arguments.contains(FUTURE_JAVA)
                || Boolean.parseBoolean(System.getenv("JENKINS_ENABLE_FUTURE_JAVA"));
        List<Integer> java;
        try {
            java = Schema.javaVersions(null, version);
        } catch (Schema.MissingSchemaException e) {
            System.err.println("SEVERE: the Jenkins stand-in " + version + " cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        // executable.Main.main checks Java before anything else, --version included (Main.java:176-182 at
        // jenkins-2.541.3, :177-183 at jenkins-2.568.2), and exits 1.
        String refusal = javaRefusal(Runtime.version().feature(), java, future);
        if (refusal != null) {
            System.err.println(refusal);
            System.err.println("See https://jenkins.io/redirect/java-support/ for more information.");
            System.exit(1);
        }

        int port = 8080;
        String address = null;
        for (String arg : arguments) {
            if (arg.equals("--version")) {
                System.out.println(version);
                return;
            } else if (arg.startsWith("--httpPort=")) {
                port = Integer.parseInt(arg.substring("--httpPort=".length()));
            } else if (arg.startsWith("--httpListenAddress=")) {
                address = arg.substring("--httpListenAddress=".length());
            } else if (arg.equals(FUTURE_JAVA)) {
                continue;
            } else if (arg.startsWith("--")) {
                System.err.println("WARNING: the Jenkins stand-in ignores " + arg.replaceAll("=.*", "=..."));
            } else {
                System.err.println("Unrecognized argument: " + arg);
                System.exit(1);
            }
        }
        if (port <= 0) {
            System.err.println("The Jenkins stand-in needs an HTTP port (--httpPort > 0)");
            System.exit(1);
        }

        Map<String, String> env = System.getenv();
        String homeEnv = env.getOrDefault("JENKINS_HOME", System.getProperty("JENKINS_HOME"));
        Path home = homeEnv != null && !homeEnv.isEmpty()
                ? Paths.get(homeEnv) : Paths.get(System.getProperty("user.home"), ".jenkins");
        String cascEnv = env.get("CASC_JENKINS_CONFIG");
        Path casc = cascEnv != null && !cascEnv.isEmpty() ? Paths.get(cascEnv) : home.resolve("jenkins.yaml");
        String secretsEnv = env.get("SECRETS");
        Path secrets = Paths.get(secretsEnv != null ? secretsEnv : "/run/secrets/");

        try {
            Files.createDirectories(home.resolve("plugins"));
            Files.writeString(home.resolve("jenkins.install.InstallUtil.lastExecVersion"), version,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("SEVERE: JENKINS_HOME " + home + " is not writable: " + e);
            System.exit(1);
        }

        Plugins plugins = Plugins.load(home.resolve("plugins"), version);
        for (String warning : plugins.warnings()) {
            System.err.println("WARNING: " + warning);
        }
        for (Map<String, Object> failed : plugins.failed()) {
            System.err.println("SEVERE: Failed Loading plugin " + failed.get("name") + " v" + failed.get("version")
                    + System.lineSeparator() + failed.get("reason"));
        }
        Map<String, String> components = plugins.loaded();
        if (!components.containsKey("configuration-as-code")) {
            // Real Jenkins ignores CASC_JENKINS_CONFIG without the plugin; the stand-in exists to apply it, so it
            // assumes the one configuration-as-code version it was built with.
            List<String> bundled = Schema.bundledVersions("configuration-as-code");
            if (bundled.size() == 1) {
                components.put("configuration-as-code", bundled.get(0));
                System.err.println("WARNING: the configuration-as-code plugin is not installed (real Jenkins would"
                        + " ignore CASC_JENKINS_CONFIG); the stand-in checks it against configuration-as-code "
                        + bundled.get(0));
            }
        }
        Schema schema;
        try {
            schema = Schema.load(null, version, components);
        } catch (Schema.MissingSchemaException e) {
            System.err.println("SEVERE: the Jenkins stand-in " + version + " cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }

        if (!schema.uncovered.isEmpty()) {
            System.err.println("WARNING: no JCasC schema covers the loaded plugin(s) " + String.join(", ",
                    schema.uncovered) + ": they contribute nothing, so configuration they would accept is refused");
        }

        Controller controller = new Controller(version, home, casc, secrets, env, port, plugins, schema);
        try {
            controller.start();
        } catch (Casc.ConfigurationException | IOException | RuntimeException e) {
            // BootFailure.publish logs this; ExitLifecycle (chosen under systemd Type=notify, NOTIFY_SOCKET set)
            // exits 5 on a boot failure, any other lifecycle keeps serving the error page (see README).
            System.err.println("SEVERE: Failed to initialize Jenkins" + System.lineSeparator()
                    + Controller.describe(e));
            if (env.get("NOTIFY_SOCKET") != null) {
                System.exit(5);
            }
            controller.bootFailed(e);
        }

        HttpServer server;
        try {
            InetSocketAddress bind = address == null || address.isEmpty()
                    ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
            server = HttpServer.create(bind, 64);
        } catch (IOException e) {
            System.err.println("SEVERE: Failed to bind the HTTP port " + port + ": " + e);
            System.exit(1);
            return;
        }
        server.createContext("/", new Router(controller));
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();

        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("standIn", true);
        marker.put("version", version);
        marker.put("pid", ProcessHandle.current().pid());
        marker.put("httpPort", port);
        marker.put("startedAt", controller.startedAt());
        Files.writeString(home.resolve("fake-jenkins.json"), Json.write(marker) + "\n", StandardCharsets.UTF_8);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("INFO: Jenkins stand-in stopping");
            // HttpServer.stop(0) was seen to hang in CI (SIGTERM printed the line above, the JVM never exited): the
            // JVM exits anyway once the hooks return, so give the server two seconds, never more.
            Thread stopper = new Thread(() -> server.stop(0), "stand-in-http-stop");
            stopper.setDaemon(true);
            stopper.start();
            try {
                stopper.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        if (controller.bootFailure() == null) {
            System.out.println("INFO: Jenkins (stand-in " + version + ") is fully up and running on port " + port
                    + " with JENKINS_HOME=" + home);
        } else {
            System.out.println("INFO: Jenkins (stand-in " + version + ") failed to boot; serving the error on port "
                    + port);
        }
    }
}

package fake.jenkins;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Test-only stand-in for jenkins.war. Started exactly like Jenkins' winstone launcher:
 * {@code java -jar jenkins.war --httpPort=8080 --httpListenAddress=0.0.0.0}, with JENKINS_HOME,
 * CASC_JENKINS_CONFIG and SECRETS from the environment.
 */
public final class Main {
    static final String VERSION = "2.541.3";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int port = 8080;
        String address = null;
        for (String arg : args) {
            if (arg.equals("--version")) {
                System.out.println(VERSION);
                return;
            } else if (arg.startsWith("--httpPort=")) {
                port = Integer.parseInt(arg.substring("--httpPort=".length()));
            } else if (arg.startsWith("--httpListenAddress=")) {
                address = arg.substring("--httpListenAddress=".length());
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
            Files.writeString(home.resolve("jenkins.install.InstallUtil.lastExecVersion"), VERSION,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("SEVERE: JENKINS_HOME " + home + " is not writable: " + e);
            System.exit(1);
        }

        Controller controller = new Controller(home, casc, secrets, env, port);
        try {
            controller.start();
        } catch (Exception e) {
            System.err.println("SEVERE: Failed to load Configuration as Code from " + casc + ": " + e.getMessage());
            System.exit(1);
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
        marker.put("version", VERSION);
        marker.put("pid", ProcessHandle.current().pid());
        marker.put("httpPort", port);
        marker.put("startedAt", controller.startedAt());
        Files.writeString(home.resolve("fake-jenkins.json"), Json.write(marker) + "\n", StandardCharsets.UTF_8);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("INFO: Jenkins stand-in stopping");
            server.stop(0);
        }));
        System.out.println("INFO: Jenkins (stand-in " + VERSION + ") is fully up and running on port " + port
                + " with JENKINS_HOME=" + home);
    }
}

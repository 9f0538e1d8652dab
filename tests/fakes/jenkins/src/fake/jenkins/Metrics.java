package fake.jenkins;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prometheus plugin's endpoint (prometheus 852.v317db_5d17a_b_0, jenkinsci/prometheus-plugin@317db5d17ab0,
 * P = src/main/java/org/jenkinsci/plugins/prometheus/): only while the plugin is loaded. {@code PrometheusAction} is an
 * {@code UnprotectedRootAction} (P rest/PrometheusAction.java:18-19: no Overall/Read) whose URL name is the first
 * segment of the configured {@code path} and whose {@code doDynamic} answers the metrics when the rest of the URL equals
 * the remaining segments (:38-46), 404 otherwise; with {@code useAuthenticatedEndpoint} the caller needs Metrics/View
 * (:48-53; metrics plugin jenkins/metrics/api/Metrics.java:101-107 at jenkinsci/metrics-plugin@1ec4ef0: group
 * "Metrics", permission "View", implied by Overall/Administer), else a bare 403 ({@code HttpResponses.forbidden()}).
 * Defaults when JCasC does not set them (P config/PrometheusConfiguration.java): path {@code prometheus} or env
 * {@code PROMETHEUS_ENDPOINT} (:33, :97-105), namespace {@code default} (:40) unless env {@code PROMETHEUS_NAMESPACE}
 * (P util/ConfigurationUtils.java:12-20), endpoint open (:42). The body is the text exposition format 0.0.4 (:56-65)
 * with the metric names of docs/metrics/index.md; the values are the stand-in's (up, uptime, quiet-down, nodes and
 * executors per label; no queue, so queue length 0; no jobs, so no build metrics).
 */
final class Metrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final class Answer {
        final int status;
        final String body;

        Answer(int status, String body) {
            this.status = status;
            this.body = body;
        }
    }

    private Metrics() {
    }

    /** The plugin's answer to this path, or null when the path is not the plugin's (or the plugin is not loaded). */
    static Answer answer(Controller jenkins, String path, String user) {
        if (!jenkins.plugins().loaded().containsKey("prometheus")) {
            return null;
        }
        Object conf = Casc.at(jenkins.config(), "unclassified", "prometheusConfiguration");
        Map<String, Object> config = conf instanceof Map ? Casc.castMap(conf) : Map.of();
        String configured = config.get("path") != null ? String.valueOf(config.get("path"))
                : System.getenv().getOrDefault("PROMETHEUS_ENDPOINT", "prometheus");
        String[] wanted = configured.split("/");
        // Stapler's tokens: empty segments are dropped, so /prometheus and /prometheus/ are the same request.
        List<String> tokens = java.util.Arrays.stream(path.split("/")).filter(t -> !t.isEmpty()).toList();
        if (tokens.isEmpty() || !tokens.get(0).equals(wanted[0])) {
            return null;
        }
        String rest = String.join("/", tokens.subList(1, tokens.size()));
        String additional = String.join("/", java.util.Arrays.asList(wanted).subList(1, wanted.length));
        if (!rest.equals(additional)) {
            return new Answer(404, "");
        }
        boolean authenticated = "true".equals(String.valueOf(config.get("useAuthenticatedEndpoint")));
        if (authenticated && !jenkins.hasPermission(user, "Metrics/View")) {
            return new Answer(403, "");
        }
        String env = System.getenv("PROMETHEUS_NAMESPACE");
        String namespace = env != null && !env.isEmpty() ? env
                : String.valueOf(config.getOrDefault("defaultNamespace", "default"));
        return new Answer(200, exposition(jenkins, namespace + "_jenkins_"));
    }

    private static String exposition(Controller jenkins, String prefix) {
        StringBuilder out = new StringBuilder();
        gauge(out, prefix + "up", "Is Jenkins ready to receive requests", Map.of("", 1));
        gauge(out, prefix + "uptime", "Time since Jenkins machine was initialized",
                Map.of("", System.currentTimeMillis() - jenkins.startedAt()));
        gauge(out, prefix + "quietdown", "Is Jenkins in quiet mode", Map.of("", jenkins.quietingDown() ? 1 : 0));
        Map<String, Object> set = jenkins.nodes().computerSet(jenkins.numExecutors(), 0);
        Map<String, int[]> perLabel = new TreeMap<>();
        int online = 0;
        for (Object item : (List<?>) set.get("computer")) {
            Map<String, Object> computer = Casc.castMap(item);
            boolean offline = Boolean.TRUE.equals(computer.get("offline"));
            int n = ((Number) computer.get("numExecutors")).intValue();
            int busy = !offline && !Boolean.TRUE.equals(computer.get("idle")) && n > 0 ? 1 : 0;
            online += offline ? 0 : 1;
            for (Object label : (List<?>) computer.get("assignedLabels")) {
                int[] c = perLabel.computeIfAbsent(String.valueOf(Casc.castMap(label).get("name")), k -> new int[3]);
                c[0] += n;
                c[1] += offline ? 0 : n;
                c[2] += busy;
            }
        }
        gauge(out, prefix + "nodes_online", "Jenkins nodes online status", Map.of("", online));
        String[][] executors = {{"available", "Executors Available"}, {"busy", "Executors Busy"},
            {"connecting", "Executors Connecting"}, {"defined", "Executors Defined"}, {"idle", "Executors Idle"},
            {"online", "Executors Online"}, {"queue_length", "Executors Queue Length"}};
        for (String[] metric : executors) {
            Map<String, Object> values = new TreeMap<>();
            perLabel.forEach((label, c) -> values.put("label=\"" + label.replace("\"", "\\\"") + "\"",
                    value(metric[0], c)));
            gauge(out, prefix + "executors_" + metric[0], metric[1], values);
        }
        return out.toString();
    }

    private static int value(String metric, int[] c) {
        switch (metric) {
            case "defined":
                return c[0];
            case "online":
                return c[1];
            case "busy":
                return c[2];
            case "idle":
            case "available":
                return c[1] - c[2];
            default:
                return 0;
        }
    }

    private static void gauge(StringBuilder out, String name, String help, Map<String, ?> samples) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        samples.forEach((labels, v) -> out.append(name).append(labels.isEmpty() ? "" : "{" + labels + ",}")
                .append(' ').append(String.format(Locale.ROOT, "%.1f", ((Number) v).doubleValue())).append('\n'));
    }
}

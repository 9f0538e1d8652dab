package fake.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-only POST endpoints under /fake/ (no Jenkins has them): authenticated, no crumb needed.
 * <ul>
 * <li>/fake/nodes: replace the nodes with a seed (see Nodes);</li>
 * <li>/fake/fleet/update: one EC2 Fleet update() of every fleet cloud now (CloudNanny also runs it every
 * cloudStatusIntervalSec), AWS errors answered 502;</li>
 * <li>/fake/fleet/retention: one EC2RetentionStrategy check of every fleet node now (also run every minute);</li>
 * <li>/fake/fleet/provision?cloud=NAME&amp;count=N: demand for N more agents (the stand-in has no queue);</li>
 * <li>/fake/computer/NAME/startBuild, /fake/computer/NAME/finishBuild[?idleMinutesAgo=N]: a fake build makes the
 * node busy / idle (idle since N minutes, for the retention strategy).</li>
 * </ul>
 */
final class TestRoutes {
    private TestRoutes() {
    }

    static final class Answer {
        final int status;
        final Object body;

        Answer(int status, Object body) {
            this.status = status;
            this.body = body;
        }
    }

    static Answer post(Controller jenkins, String path, Map<String, String> query, byte[] body) throws IOException {
        if (path.equals("/fake/nodes")) {
            jenkins.nodes().replace(Json.parse(new String(body, StandardCharsets.UTF_8)), true);
            return new Answer(200, jenkins.nodes().computerSet(jenkins.numExecutors(), 0));
        }
        if (path.equals("/fake/fleet/update")) {
            try {
                return new Answer(200, Map.of("fleets", jenkins.updateFleets()));
            } catch (Aws.AwsException e) {
                return error(502, e.code() + ": " + e.getMessage());
            } catch (IllegalStateException e) {
                return error(500, e.getMessage());
            }
        }
        if (path.equals("/fake/fleet/retention")) {
            jenkins.retention();
            return new Answer(200, jenkins.state().get("fleets"));
        }
        if (path.equals("/fake/fleet/provision")) {
            int count = Integer.parseInt(query.getOrDefault("count", "1"));
            return jenkins.provision(query.get("cloud"), count) ? new Answer(200, Map.of("toAdd", count))
                    : error(409, "no such fleet cloud, or Jenkins is quieting down");
        }
        for (String action : new String[] {"startBuild", "finishBuild"}) {
            String suffix = "/" + action;
            if (path.startsWith("/fake/computer/") && path.endsWith(suffix)) {
                String name = path.substring("/fake/computer/".length(), path.length() - suffix.length());
                boolean start = action.equals("startBuild");
                // Queue: nothing new is dispatched while Jenkins is quieting down.
                if (start && jenkins.quietingDown()) {
                    return error(409, "Jenkins is quieting down: no new build starts");
                }
                int ago = Integer.parseInt(query.getOrDefault("idleMinutesAgo", "0"));
                String refusal = jenkins.nodes().build(name, start, ago);
                if (refusal != null) {
                    return error(refusal.equals("no such node") ? 404 : 409, refusal);
                }
                return new Answer(200, jenkins.nodes().computer(name, 0));
            }
        }
        return error(404, "no such test endpoint: " + path);
    }

    private static Answer error(int status, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error", message);
        return new Answer(status, e);
    }
}

package fake.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents ("computers") the stand-in reports. Seeded from $JENKINS_HOME/fake-nodes.json and kept there, so a
 * deleted node stays deleted across restarts like real Jenkins' $JENKINS_HOME/nodes/.
 *
 * <p>Seed format: {"nodes": [{"name": "a1", "offline": true, "offlineCauseReason": "...", "offlineSince": epochMs
 * | "offlineMinutesAgo": 90, "temporarilyOffline": false, "labels": "fleet linux", "numExecutors": 1,
 * "idle": true}]} (a bare list works too).
 */
final class Nodes {
    private final Path file;
    private final Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();

    Nodes(Path file) {
        this.file = file;
    }

    synchronized void load() throws IOException {
        nodes.clear();
        if (Files.isRegularFile(file)) {
            replace(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), false);
        }
    }

    /** Replaces every node with the given seed (object with "nodes" or a list); persists when asked. */
    synchronized void replace(Object seed, boolean persist) throws IOException {
        Object list = seed instanceof Map ? Casc.castMap(seed).get("nodes") : seed;
        if (!(list instanceof List)) {
            throw new IllegalArgumentException("expected {\"nodes\": [...]} or a list of nodes");
        }
        Map<String, Map<String, Object>> fresh = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (Object item : (List<?>) list) {
            if (!(item instanceof Map) || !(Casc.castMap(item).get("name") instanceof String)) {
                throw new IllegalArgumentException("every node needs a \"name\"");
            }
            Map<String, Object> node = new LinkedHashMap<>(Casc.castMap(item));
            String name = (String) node.get("name");
            if (name.isEmpty() || name.equals("(built-in)") || name.contains("/")) {
                throw new IllegalArgumentException("invalid node name: " + name);
            }
            boolean temporarily = Boolean.TRUE.equals(node.get("temporarilyOffline"));
            boolean offline = Boolean.TRUE.equals(node.get("offline")) || temporarily;
            node.put("offline", offline);
            node.put("temporarilyOffline", temporarily);
            Object minutesAgo = node.remove("offlineMinutesAgo");
            if (offline && minutesAgo instanceof Number) {
                node.put("offlineSince", now - ((Number) minutesAgo).longValue() * 60_000L);
            } else if (offline && !(node.get("offlineSince") instanceof Number)) {
                node.put("offlineSince", now);
            }
            if (!offline) {
                node.remove("offlineSince");
                node.remove("offlineCauseReason");
            }
            fresh.put(name, node);
        }
        nodes.clear();
        nodes.putAll(fresh);
        if (persist) {
            save();
        }
    }

    private void save() throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("nodes", new ArrayList<>(nodes.values()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(doc) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    synchronized boolean delete(String name) throws IOException {
        if (nodes.remove(name) == null) {
            return false;
        }
        save();
        return true;
    }

    /** Computer.doToggleOffline: flips temporarilyOffline and records a UserCause. */
    synchronized boolean toggleOffline(String name, String user, String message) throws IOException {
        Map<String, Object> node = nodes.get(name);
        if (node == null) {
            return false;
        }
        boolean nowOffline = !Boolean.TRUE.equals(node.get("temporarilyOffline"));
        node.put("temporarilyOffline", nowOffline);
        node.put("offline", nowOffline);
        if (nowOffline) {
            node.put("offlineSince", System.currentTimeMillis());
            node.put("offlineCauseClass", "hudson.slaves.OfflineCause$UserCause");
            node.put("offlineCauseDescription",
                    "Disconnected by " + user + (message == null || message.isEmpty() ? "" : " : " + message));
            node.put("offlineCauseReason", message == null ? "" : message);
        } else {
            node.remove("offlineSince");
            node.remove("offlineCauseClass");
            node.remove("offlineCauseDescription");
            node.remove("offlineCauseReason");
        }
        save();
        return true;
    }

    /** The node record (a copy), or null. */
    synchronized Map<String, Object> node(String name) {
        Map<String, Object> node = nodes.get(name);
        return node == null ? null : new LinkedHashMap<>(node);
    }

    /**
     * EC2FleetCloud.isSafeToTerminate (ec2-fleet 4.3.0.549.vf2a_da_a_d19b_5e, EC2FleetCloud.java :596-601): a node
     * already gone is safe; one still present must run nothing and accept no tasks.
     */
    synchronized boolean safeToTerminate(String name) {
        Map<String, Object> node = nodes.get(name);
        return node == null || !Boolean.FALSE.equals(node.get("idle")) && Boolean.FALSE.equals(node.get("acceptingTasks"));
    }

    /** Jenkins.removeNode by the cloud (no permission check). */
    synchronized void remove(String name) throws IOException {
        if (nodes.remove(name) != null) {
            save();
        }
    }

    /** The fleet nodes whose cloudName is one of these. */
    synchronized List<String> namesOfClouds(java.util.Set<String> clouds) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> node : nodes.values()) {
            if (node.get("cloudName") != null && clouds.contains(node.get("cloudName"))) {
                out.add((String) node.get("name"));
            }
        }
        return out;
    }

    /** Fleet node name → the cloud name it was created by. */
    synchronized Map<String, String> fleetNodeClouds() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> node : nodes.values()) {
            if (node.get("cloudName") != null) {
                out.put((String) node.get("name"), (String) node.get("cloudName"));
            }
        }
        return out;
    }

    synchronized void setLabels(String name, String labels) throws IOException {
        Map<String, Object> node = nodes.get(name);
        if (node != null && !labels.equals(node.get("labels"))) {
            node.put("labels", labels);
            save();
        }
    }

    /**
     * EC2FleetCloud.addNewAgent (EC2FleetCloud.java :900-953): an EC2FleetNode named after the instance, described
     * "Fleet agent for <id>", shown as "<cloud> <id>" (EC2FleetNode.java :73); the stand-in's agents are online at once.
     */
    synchronized void addFleetNode(String instanceId, String cloudName, String labels, int numExecutors)
            throws IOException {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("name", instanceId);
        node.put("displayName", cloudName + " " + instanceId);
        node.put("class", "com.amazon.jenkins.ec2fleet.EC2FleetNodeComputer");
        node.put("description", "Fleet agent for " + instanceId);
        node.put("cloudName", cloudName);
        node.put("labels", labels);
        node.put("numExecutors", numExecutors);
        node.put("idle", true);
        node.put("idleSince", System.currentTimeMillis());
        node.put("acceptingTasks", true);
        node.put("offline", false);
        node.put("temporarilyOffline", false);
        nodes.put(instanceId, node);
        save();
    }

    /** EC2FleetNodeComputer.doDoDelete :117: the computer stops accepting tasks before the node goes. */
    synchronized void setAcceptingTasks(String name, boolean accepting) {
        Map<String, Object> node = nodes.get(name);
        if (node != null) {
            node.put("acceptingTasks", accepting);
        }
    }

    /**
     * Test-only: a fake build starts (busy) or finishes (idle) on one executor-less model of the node. Starting needs
     * an online node that accepts tasks; answers null on success, else why not.
     */
    synchronized String build(String name, boolean start, int idleMinutesAgo) throws IOException {
        Map<String, Object> node = nodes.get(name);
        if (node == null) {
            return "no such node";
        }
        if (start) {
            if (Boolean.TRUE.equals(node.get("offline")) || Boolean.FALSE.equals(node.get("acceptingTasks"))) {
                return "node is offline or not accepting tasks";
            }
            node.put("idle", false);
            node.remove("idleSince");
        } else {
            node.put("idle", true);
            // Computer.getIdleStartMilliseconds: when the last build ended (backdated on request, test-only).
            node.put("idleSince", System.currentTimeMillis() - idleMinutesAgo * 60_000L);
        }
        save();
        return null;
    }

    synchronized Map<String, Object> computer(String name, int depth) {
        Map<String, Object> node = nodes.get(name);
        return node == null ? null : toComputer(node, depth);
    }

    synchronized boolean anyBusy() {
        for (Map<String, Object> node : nodes.values()) {
            if (Boolean.FALSE.equals(node.get("idle"))) {
                return true;
            }
        }
        return false;
    }

    /** /computer/api/json: ComputerSet with the built-in node first, as Jenkins lists it. */
    synchronized Map<String, Object> computerSet(int builtInExecutors, int depth) {
        List<Object> computers = new ArrayList<>();
        Map<String, Object> builtIn = new LinkedHashMap<>();
        builtIn.put("_class", "hudson.model.Hudson$MasterComputer");
        builtIn.put("actions", new ArrayList<>());
        builtIn.put("assignedLabels", List.of(Map.of("name", "built-in")));
        builtIn.put("description", "the Jenkins controller's built-in node");
        builtIn.put("displayName", "Built-In Node");
        builtIn.put("executors", executors(builtInExecutors, false, depth));
        builtIn.put("icon", "symbol-computer");
        builtIn.put("iconClassName", "symbol-computer");
        builtIn.put("idle", true);
        builtIn.put("jnlpAgent", false);
        builtIn.put("launchSupported", true);
        builtIn.put("manualLaunchAllowed", true);
        builtIn.put("monitorData", new LinkedHashMap<>());
        builtIn.put("numExecutors", builtInExecutors);
        builtIn.put("offline", false);
        builtIn.put("offlineCause", null);
        builtIn.put("offlineCauseReason", "");
        builtIn.put("oneOffExecutors", new ArrayList<>());
        builtIn.put("temporarilyOffline", false);
        computers.add(builtIn);
        int busy = 0;
        int total = builtInExecutors;
        for (Map<String, Object> node : nodes.values()) {
            Map<String, Object> computer = toComputer(node, depth);
            computers.add(computer);
            int n = ((Number) computer.get("numExecutors")).intValue();
            total += n;
            if (!Boolean.TRUE.equals(computer.get("idle"))) {
                busy += n;
            }
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("_class", "hudson.model.ComputerSet");
        set.put("busyExecutors", busy);
        set.put("computer", computers);
        set.put("displayName", "Nodes");
        set.put("totalExecutors", total);
        return set;
    }

    /**
     * Computer.getExecutors: at depth 0 each executor is an empty object; from depth 1 on its exported properties
     * (core hudson/model/Executor.java :553-722 at jenkins-2.568.2: currentExecutable, idle, likelyStuck, number,
     * progress). A busy node runs its fake build on executor 0.
     */
    private static List<Object> executors(int n, boolean busy, int depth) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> executor = new LinkedHashMap<>();
            if (depth >= 1) {
                boolean running = busy && i == 0;
                executor.put("_class", "hudson.model.Executor");
                executor.put("currentExecutable", running
                        ? Map.of("_class", "hudson.model.FreeStyleBuild", "displayName", "#1", "building", true) : null);
                executor.put("idle", !running);
                executor.put("likelyStuck", false);
                executor.put("number", i);
                executor.put("progress", running ? 50 : -1);
            }
            out.add(executor);
        }
        return out;
    }

    private static Map<String, Object> toComputer(Map<String, Object> node, int depth) {
        boolean offline = Boolean.TRUE.equals(node.get("offline"));
        int numExecutors = node.get("numExecutors") instanceof Number
                ? ((Number) node.get("numExecutors")).intValue() : 1;
        List<Object> labels = new ArrayList<>();
        Object labelString = node.get("labels");
        if (labelString instanceof String) {
            for (String label : ((String) labelString).trim().split("\\s+")) {
                if (!label.isEmpty()) {
                    labels.add(Map.of("name", label));
                }
            }
        }
        labels.add(Map.of("name", node.get("name")));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_class", node.getOrDefault("class", "hudson.slaves.SlaveComputer"));
        c.put("actions", new ArrayList<>());
        c.put("assignedLabels", labels);
        c.put("description", node.getOrDefault("description", ""));
        c.put("displayName", node.getOrDefault("displayName", node.get("name")));
        c.put("executors", executors(numExecutors, Boolean.FALSE.equals(node.get("idle")), depth));
        c.put("icon", offline ? "symbol-computer-offline" : "symbol-computer");
        c.put("iconClassName", offline ? "symbol-computer-offline" : "symbol-computer");
        c.put("idle", !Boolean.FALSE.equals(node.get("idle")));
        c.put("jnlpAgent", false);
        c.put("launchSupported", true);
        c.put("manualLaunchAllowed", true);
        c.put("monitorData", new LinkedHashMap<>());
        c.put("numExecutors", numExecutors);
        c.put("offline", offline);
        if (offline) {
            Map<String, Object> cause = new LinkedHashMap<>();
            String reason = String.valueOf(node.getOrDefault("offlineCauseReason", ""));
            cause.put("_class", node.getOrDefault("offlineCauseClass", "hudson.slaves.OfflineCause$ChannelTermination"));
            cause.put("timestamp", node.get("offlineSince"));
            cause.put("description", node.getOrDefault("offlineCauseDescription", reason));
            c.put("offlineCause", cause);
            c.put("offlineCauseReason", reason);
        } else {
            c.put("offlineCause", null);
            c.put("offlineCauseReason", "");
        }
        c.put("oneOffExecutors", new ArrayList<>());
        c.put("temporarilyOffline", Boolean.TRUE.equals(node.get("temporarilyOffline")));
        return c;
    }
}

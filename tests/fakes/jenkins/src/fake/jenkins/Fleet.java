package fake.jenkins;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One {@code eC2Fleet} cloud with an Auto Scaling group as its fleet, doing the AWS calls the EC2 Fleet plugin does.
 * Citations: jenkinsci/ec2-fleet-plugin at 4.3.0.549.vf2a_da_a_d19b_5e (commit f2adaad19b5e), files under
 * src/main/java/com/amazon/jenkins/ec2fleet/ (EFC = EC2FleetCloud.java, ASG = fleet/AutoScalingGroupFleet.java,
 * EC2 = aws/EC2Api.java). Spot fleets and EC2 Fleets ({@code sfr-}/{@code fleet-} ids) are not modelled.
 */
final class Fleet {
    static final String CLOUD_CLASS = "com.amazon.jenkins.ec2fleet.EC2FleetCloud";
    /** EFC :67-68. */
    static final String CLOUD_NAME_TAG = "ec2-fleet-plugin:cloud-name";
    /** EC2 :40-44: instances in these states are not fleet capacity. */
    private static final Set<String> TERMINATED_STATES = Set.of("terminated", "stopped", "stopping", "shutting-down");
    private static final Pattern INSTANCE_ID = Pattern.compile("(i-[0-9a-zA-Z]+)");

    final String path;
    final String name;
    final String fleet;
    final String region;
    final String endpoint;
    final String labelString;
    final int numExecutors;
    final int minSize;
    final int maxSize;
    final int idleMinutes;
    final boolean privateIpUsed;
    final boolean addNodeOnlyIfRunning;
    /** EFC :72 DEFAULT_CLOUD_STATUS_INTERVAL_SEC; CloudNanny.java :49-58 runs update() every that many seconds. */
    final int cloudStatusIntervalSec;

    private int desired = -1;
    private List<String> instances = List.of();
    private boolean checked;
    private final Map<String, String> instanceIdsToTerminate = new LinkedHashMap<>();
    private int toAdd;
    private int nannyCounter;
    private final List<String> calls = new ArrayList<>();

    private Fleet(String path, Map<String, Object> c) {
        this.path = path;
        this.name = str(c.get("name"), "FleetCloud");
        this.fleet = str(c.get("fleet"), null);
        this.region = str(c.get("region"), null);
        this.endpoint = str(c.get("endpoint"), null);
        this.labelString = str(c.get("labelString"), "");
        // EFC :206-210: minSize and minSpareSize at least 0, numExecutors at least 1.
        this.numExecutors = Math.max(1, num(c.get("numExecutors"), 1));
        this.minSize = Math.max(0, num(c.get("minSize"), 0));
        this.maxSize = num(c.get("maxSize"), 0);
        this.idleMinutes = num(c.get("idleMinutes"), 0);
        this.privateIpUsed = bool(c.get("privateIpUsed"));
        this.addNodeOnlyIfRunning = bool(c.get("addNodeOnlyIfRunning"));
        this.cloudStatusIntervalSec = Math.max(1, num(c.get("cloudStatusIntervalSec"), 10));
        this.nannyCounter = cloudStatusIntervalSec;
    }

    /** Every {@code jenkins.clouds[i].eC2Fleet} of a validated document (keys match ignoring case, as JCasC). */
    static List<Fleet> fromConfig(Map<String, Object> config) {
        List<Fleet> out = new ArrayList<>();
        Object jenkins = get(config, "jenkins");
        Object clouds = jenkins instanceof Map ? get(Casc.castMap(jenkins), "clouds") : null;
        if (!(clouds instanceof List)) {
            return out;
        }
        List<?> list = (List<?>) clouds;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map) {
                for (Map.Entry<String, Object> e : Casc.castMap(list.get(i)).entrySet()) {
                    if (e.getKey().equalsIgnoreCase("eC2Fleet") && e.getValue() instanceof Map) {
                        out.add(new Fleet("jenkins.clouds[" + i + "]." + e.getKey(), Casc.castMap(e.getValue())));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The {@code @DataBoundConstructor} (EFC :162-225) calls the fleet's getState when {@code fleet} is set (:222-224):
     * ASG :65-76 DescribeAutoScalingGroups for that one name, IllegalArgumentException "Cannot find auto scaling group
     * with name %s in region %s" when none comes back; an AWS error (AccessDenied, ...) escapes as the SDK's
     * exception. Nothing catches either, so JCasC's DataBoundConfigurator.tryConstructor (configuration-as-code
     * 2117.vc05a_0b_e6b_f4e, plugin/src/main/java/io/jenkins/plugins/casc/impl/configurators/
     * DataBoundConfigurator.java :197-223) turns it into a ConfiguratorException, which HeteroDescribableConfigurator
     * (:84-94, :313-315, check = configure) rethrows unchanged: the start fails, a reload is refused.
     * JCasC constructs it twice per load (check, then configure: ConfigurationAsCode.java :899-910); the stand-in once.
     * Returns null when accepted, else the error line.
     */
    String construct(Aws aws) {
        if (fleet == null) {
            return null;
        }
        String where = aws.endpoint("autoscaling", endpoint);
        if (where == null) {
            System.err.println("WARNING: " + path + ": no AWS endpoint reachable from the stand-in (no endpoint, no"
                    + " AWS_ENDPOINT_URL): DescribeAutoScalingGroups for '" + fleet + "' not called; real Jenkins"
                    + " would call https://autoscaling." + region + ".amazonaws.com");
            return null;
        }
        try {
            getState(aws);
            checked = true;
            return null;
        } catch (IllegalArgumentException e) {
            return failed("java.lang.IllegalArgumentException: " + e.getMessage());
        } catch (Aws.AwsException e) {
            return failed("software.amazon.awssdk.services.autoscaling.model.AutoScalingException: " + e.getMessage()
                    + " [" + e.code() + "]");
        }
    }

    private String failed(String cause) {
        return path + ": Failed to construct instance of class " + CLOUD_CLASS + " (caused by " + cause + ")";
    }

    /** ASG getState :65-99. */
    private synchronized void getState(Aws aws) throws Aws.AwsException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("Action", "DescribeAutoScalingGroups");
        params.put("AutoScalingGroupNames.member.1", fleet);
        Document doc = call(aws, "autoscaling", params);
        Element groups = Aws.find(doc.getDocumentElement(), "AutoScalingGroups");
        List<Element> members = Aws.children(groups, "member");
        if (members.isEmpty()) {
            throw new IllegalArgumentException(String.format(
                    "Cannot find auto scaling group with name %s in region %s", fleet, aws.region(region)));
        }
        Element group = members.get(0);
        desired = Integer.parseInt(Aws.childText(group, "DesiredCapacity"));
        List<String> ids = new ArrayList<>();
        for (Element instance : Aws.children(Aws.children(group, "Instances").stream().findFirst().orElse(null),
                "member")) {
            ids.add(Aws.childText(instance, "InstanceId"));
        }
        instances = ids;
    }

    private Document call(Aws aws, String service, Map<String, String> params) throws Aws.AwsException {
        synchronized (calls) {
            calls.add(service + ":" + params.get("Action"));
        }
        return aws.call(service, aws.endpoint(service, endpoint), aws.region(region), params);
    }

    /** CloudNanny.java :47-58: a counter per cloud, decremented every second; update() when it reaches 0. */
    synchronized boolean nannyDue() {
        if (--nannyCounter > 0) {
            return false;
        }
        nannyCounter = cloudStatusIntervalSec;
        return checked;
    }

    /** NodeProvisioner's demand (the stand-in has no queue: a test asks); EFC :417 provisions nothing while quieting. */
    synchronized boolean provision(int count, boolean quietingDown) {
        if (quietingDown || fleet == null) {
            return false;
        }
        toAdd += count;
        return true;
    }

    /**
     * EFC scheduleToTerminate :814-845: refused before the first getState and, unless ignoreMinConstraints, when it
     * would go below minSize (minSpareSize not modelled); the real termination happens in the next update().
     */
    synchronized boolean scheduleToTerminate(String instanceId, boolean ignoreMinConstraints, String reason) {
        if (!checked) {
            return false;
        }
        if (!ignoreMinConstraints && minSize > 0 && instances.size() - instanceIdsToTerminate.size() <= minSize) {
            System.err.println("INFO: " + name + ": Not scheduling instance '" + instanceId + "' for termination because"
                    + " we need a minimum of " + minSize + " instance(s) running");
            return false;
        }
        instanceIdsToTerminate.put(instanceId, reason);
        return true;
    }

    /**
     * EFC update() :501-567 with updateByState :620-794, for an Auto Scaling group. nodes: the controller's nodes;
     * clouds: the cloud names that resolve to this fleet (EC2FleetNode.getCloud looks its cloud up by name,
     * EC2FleetNode.java :87-88).
     */
    synchronized void update(Aws aws, Nodes nodes, Set<String> cloudsOfThisFleet, Set<String> allClouds)
            throws Aws.AwsException, IOException {
        getState(aws);
        final int currentToAdd = toAdd;
        // filterOutBusyNodes :569-585 / isSafeToTerminate :596-601: a node still present must be idle and not
        // accepting tasks; a node already gone is safe.
        Map<String, String> terminate = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : instanceIdsToTerminate.entrySet()) {
            if (nodes.safeToTerminate(e.getKey())) {
                terminate.put(e.getKey(), e.getValue());
            }
        }
        for (String id : terminate.keySet()) {
            nodes.remove(id);
        }
        // :659-675: target within [minSize, maxSize]; UpdateAutoScalingGroup (ASG modify :47-62) with
        // NewInstancesProtectedFromScaleIn=true whenever something is added or removed or the target differs.
        int target = Math.max(minSize, Math.min(maxSize, desired - terminate.size() + currentToAdd));
        if (currentToAdd > 0 || !terminate.isEmpty() || target != desired) {
            Map<String, String> modify = new LinkedHashMap<>();
            modify.put("Action", "UpdateAutoScalingGroup");
            modify.put("AutoScalingGroupName", fleet);
            modify.put("MinSize", String.valueOf(minSize));
            modify.put("MaxSize", String.valueOf(maxSize));
            modify.put("DesiredCapacity", String.valueOf(target));
            modify.put("NewInstancesProtectedFromScaleIn", "true");
            call(aws, "autoscaling", modify);
            desired = target;
        }
        // ASG terminateInstances :130-147: one TerminateInstanceInAutoScalingGroup per instance, desired capacity not
        // decremented again; a failure is only logged.
        for (String id : terminate.keySet()) {
            Map<String, String> kill = new LinkedHashMap<>();
            kill.put("Action", "TerminateInstanceInAutoScalingGroup");
            kill.put("InstanceId", id);
            kill.put("ShouldDecrementDesiredCapacity", "false");
            try {
                call(aws, "autoscaling", kill);
            } catch (Aws.AwsException e) {
                System.err.println("WARNING: Failed to terminate instance " + id + " in Auto Scaling group: "
                        + e.getMessage());
            }
        }
        instanceIdsToTerminate.keySet().removeAll(terminate.keySet());
        toAdd -= currentToAdd;

        Map<String, Map<String, String>> described = describeInstances(aws, instances);
        described.keySet().removeAll(terminate.keySet());
        // :704-712 casts every EC2FleetNode's getCloud() and calls getFleet() on it; a node whose cloud name no longer
        // exists (the cloud was renamed or removed by a reload) makes that a NullPointerException: every fleet
        // cloud's update fails from here on (CloudNanny only logs it) until such nodes are deleted.
        for (Map.Entry<String, String> e : nodes.fleetNodeClouds().entrySet()) {
            if (!allClouds.contains(e.getValue())) {
                throw new IllegalStateException("java.lang.NullPointerException: node " + e.getKey() + " belongs to"
                        + " cloud '" + e.getValue() + "', which no longer exists (EC2FleetCloud.java:707)");
            }
        }
        Set<String> jenkinsInstances = new LinkedHashSet<>(nodes.namesOfClouds(cloudsOfThisFleet));
        // :715-742: nodes whose instance left the group or is no longer running are removed from Jenkins.
        for (String node : jenkinsInstances) {
            if (!described.containsKey(node)) {
                nodes.remove(node);
            }
        }
        // :744-765: labels follow the cloud.
        for (String node : jenkinsInstances) {
            nodes.setLabels(node, labelString);
        }
        Map<String, Map<String, String>> fresh = new LinkedHashMap<>(described);
        fresh.keySet().removeAll(jenkinsInstances);
        if (!fresh.isEmpty()) {
            // :769-775: new instances are tagged with the cloud's name; a failure is only logged.
            Map<String, String> tag = new LinkedHashMap<>();
            tag.put("Action", "CreateTags");
            int i = 1;
            for (String id : fresh.keySet()) {
                tag.put("ResourceId." + i++, id);
            }
            tag.put("Tag.1.Key", CLOUD_NAME_TAG);
            tag.put("Tag.1.Value", name);
            try {
                call(aws, "ec2", tag);
            } catch (Aws.AwsException e) {
                System.err.println("WARNING: Failed to tag new instances: " + fresh.keySet() + ": " + e.getMessage());
            }
            // addNewAgent :900-975: only running instances when addNodeOnlyIfRunning, only with an address.
            for (Map.Entry<String, Map<String, String>> e : fresh.entrySet()) {
                Map<String, String> instance = e.getValue();
                if (addNodeOnlyIfRunning && !"running".equals(instance.get("state"))) {
                    continue;
                }
                if (instance.get(privateIpUsed ? "privateIpAddress" : "ipAddress") == null) {
                    continue;
                }
                nodes.addFleetNode(e.getKey(), name, labelString, numExecutors);
            }
        }
    }

    /**
     * EC2RetentionStrategy.check (EC2RetentionStrategy.java :30-93), every minute per fleet node: an idle node of
     * this cloud idle for more than idleMinutes (:101-117; 0 = never) is scheduled for termination (minSize respected)
     * and stops accepting tasks; a busy node is never scheduled. Excess capacity and maxTotalUses are not modelled.
     */
    synchronized void retention(Nodes nodes) {
        if (idleMinutes <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (String id : nodes.namesOfClouds(Set.of(name))) {
            Map<String, Object> node = nodes.node(id);
            if (node == null || Boolean.FALSE.equals(node.get("idle"))) {
                continue;
            }
            Object since = node.get("idleSince");
            long idleFor = since instanceof Number ? now - ((Number) since).longValue() : 0;
            if (idleFor > idleMinutes * 60_000L && scheduleToTerminate(id, false, "IDLE_FOR_TOO_LONG")) {
                nodes.setAcceptingTasks(id, false);
            }
        }
    }

    /** EC2 describeInstances :62-135: instances not in a terminated state; not-found ids dropped and retried. */
    private Map<String, Map<String, String>> describeInstances(Aws aws, List<String> ids) throws Aws.AwsException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        List<String> copy = new ArrayList<>(ids);
        copy.sort(null);
        while (!copy.isEmpty()) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("Action", "DescribeInstances");
            for (int i = 0; i < copy.size(); i++) {
                params.put("InstanceId." + (i + 1), copy.get(i));
            }
            Document doc;
            try {
                doc = call(aws, "ec2", params);
            } catch (Aws.AwsException e) {
                if (!"InvalidInstanceID.NotFound".equals(e.code())) {
                    throw e;
                }
                Matcher m = INSTANCE_ID.matcher(e.getMessage());
                List<String> missing = new ArrayList<>();
                while (m.find()) {
                    missing.add(m.group(1));
                }
                if (missing.isEmpty() || !copy.removeAll(missing)) {
                    throw e;
                }
                continue;
            }
            for (Element reservation : Aws.children(Aws.find(doc.getDocumentElement(), "reservationSet"), "item")) {
                for (Element item : Aws.children(Aws.find(reservation, "instancesSet"), "item")) {
                    Map<String, String> instance = new LinkedHashMap<>();
                    instance.put("state", Aws.text(Aws.find(item, "instanceState"), "name"));
                    String privateIp = Aws.childText(item, "privateIpAddress");
                    String publicIp = Aws.childText(item, "ipAddress");
                    if (privateIp != null && !privateIp.isEmpty()) {
                        instance.put("privateIpAddress", privateIp);
                    }
                    if (publicIp != null && !publicIp.isEmpty()) {
                        instance.put("ipAddress", publicIp);
                    }
                    if (!TERMINATED_STATES.contains(instance.get("state"))) {
                        out.put(Aws.childText(item, "instanceId"), instance);
                    }
                }
            }
            copy.clear();
        }
        return out;
    }

    synchronized Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("fleet", fleet);
        s.put("region", region);
        s.put("checked", checked);
        s.put("desired", desired);
        s.put("instances", new ArrayList<>(instances));
        s.put("instanceIdsToTerminate", new LinkedHashMap<>(instanceIdsToTerminate));
        s.put("toAdd", toAdd);
        synchronized (calls) {
            s.put("awsCalls", new ArrayList<>(calls));
        }
        return s;
    }

    private static Object get(Map<String, Object> map, String key) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String str(Object v, String dflt) {
        return v == null || v.toString().isBlank() ? dflt : v.toString();
    }

    private static int num(Object v, int dflt) {
        try {
            return v == null ? dflt : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static boolean bool(Object v) {
        return v != null && Boolean.parseBoolean(v.toString().trim());
    }
}

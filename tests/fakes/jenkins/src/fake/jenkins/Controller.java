package fake.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The stand-in's state: configuration (JCasC), users, crumbs, sessions, quiet-down, reload history, nodes. */
final class Controller {
    private final String version;
    private final Plugins plugins;
    private final Schema schema;
    private final Path home;
    private final Path casc;
    private final Path secrets;
    private final Map<String, String> env;
    private final Nodes nodes;
    private final long startedAt = System.currentTimeMillis();
    private final String crumbSalt;
    private final String sessionCookie;
    private final String instanceSession;
    private final Map<String, Boolean> sessions = new ConcurrentHashMap<>();

    private volatile Map<String, Object> config = new LinkedHashMap<>();
    private volatile Map<String, String> users = new LinkedHashMap<>();
    private volatile boolean quietingDown;
    private volatile String quietDownReason;
    private volatile int reloadCount;
    private volatile long lastReload;
    private volatile String lastReloadError;
    private volatile Exception bootFailure;
    private final Aws aws;
    private final ApiTokens apiTokens;
    private volatile List<Fleet> fleets = List.of();
    private volatile int abortedBuilds;
    private ScheduledExecutorService nanny;

    Controller(String version, Path home, Path casc, Path secrets, Map<String, String> env, int port, Plugins plugins,
            Schema schema) {
        this.version = version;
        this.plugins = plugins;
        this.schema = schema;
        this.home = home;
        this.casc = casc;
        this.secrets = secrets;
        this.env = env;
        this.nodes = new Nodes(home.resolve("fake-nodes.json"));
        this.aws = new Aws(env);
        this.apiTokens = new ApiTokens(home.resolve("fake-api-tokens.json"));
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        this.crumbSalt = HexFormat.of().formatHex(salt);
        this.instanceSession = HexFormat.of().formatHex(salt, 0, 4);
        // Jetty in Jenkins names the session cookie JSESSIONID.<hash of the port/context>.
        this.sessionCookie = "JSESSIONID." + sha256("port:" + port).substring(0, 8);
    }

    void start() throws IOException, Casc.ConfigurationException {
        nodes.load();
        Loaded loaded = load();
        applyConfig(loaded.config, loaded.fleets);
        // The EC2 Fleet plugin's CloudNanny, a PeriodicWork every second (CloudNanny.java :30-64).
        nanny = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "CloudNanny");
            t.setDaemon(true);
            return t;
        });
        nanny.scheduleAtFixedRate(this::nannyTick, 1, 1, TimeUnit.SECONDS);
    }

    private static final class Loaded {
        final Map<String, Object> config;
        final List<Fleet> fleets;

        Loaded(Map<String, Object> config, List<Fleet> fleets) {
            this.config = config;
            this.fleets = fleets;
        }
    }

    /**
     * ConfigurationAsCode.configureWith: the whole document is checked before anything is applied; checking builds
     * the clouds, and an eC2Fleet cloud's constructor calls AWS (see Fleet.construct).
     */
    private Loaded load() throws IOException, Casc.ConfigurationException {
        Map<String, Object> loaded = Casc.load(casc, env, secrets);
        List<String> errors = SchemaValidator.validate(loaded, schema);
        if (!errors.isEmpty()) {
            throw new Casc.ConfigurationException(errors);
        }
        List<Fleet> built = Fleet.fromConfig(loaded);
        for (Fleet fleet : built) {
            String error = fleet.construct(aws);
            if (error != null) {
                throw new Casc.ConfigurationException(List.of(error));
            }
        }
        return new Loaded(loaded, built);
    }

    private int retentionTick;

    private void nannyTick() {
        // EC2RetentionStrategy.check answers RE_CHECK_IN_A_MINUTE (EC2RetentionStrategy.java :92).
        if (++retentionTick >= 60) {
            retentionTick = 0;
            retention();
        }
        for (Fleet fleet : fleets) {
            if (fleet.nannyDue()) {
                try {
                    updateFleet(fleet);
                } catch (Aws.AwsException | IOException | RuntimeException e) {
                    // CloudNanny.java :59-62 logs and carries on.
                    System.err.println("INFO: Error during fleet '" + fleet.name + "' stats update: " + e.getMessage());
                }
            }
        }
    }

    /**
     * A fleet node belongs to the cloud its cloud name resolves to, and that is the FIRST cloud of that name:
     * EC2FleetNode.getCloud is Jenkins.getCloud(cloudName) (ec2-fleet EC2FleetNode.java :87-88 at
     * 4.3.0.549.vf2a_da_a_d19b_5e), core's CloudList.getByName returns the first match (core
     * jenkins/model/Jenkins.java :566-571 at jenkins-2.568.2). JCasC loads two clouds of one name without complaint
     * (nothing on its path calls the forms' uniqueness checks), and then the second one's nodes count for the first.
     */
    private Map<String, Fleet> firstOfEachName() {
        Map<String, Fleet> first = new LinkedHashMap<>();
        for (Fleet other : fleets) {
            first.putIfAbsent(other.name, other);
        }
        return first;
    }

    private void updateFleet(Fleet fleet) throws Aws.AwsException, IOException {
        // EFC :704-712: the nodes whose cloud (resolved by name) has this cloud's fleet are this cloud's.
        Set<String> sameFleet = new TreeSet<>();
        Map<String, Fleet> first = firstOfEachName();
        for (Map.Entry<String, Fleet> e : first.entrySet()) {
            if (fleet.fleet != null && fleet.fleet.equals(e.getValue().fleet)) {
                sameFleet.add(e.getKey());
            }
        }
        fleet.update(aws, nodes, sameFleet, new TreeSet<>(first.keySet()));
    }

    /** Test-only: one update() of every fleet cloud now, as CloudNanny would; errors returned, not swallowed. */
    List<Map<String, Object>> updateFleets() throws Aws.AwsException, IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Fleet fleet : fleets) {
            updateFleet(fleet);
            out.add(fleet.state());
        }
        return out;
    }

    /** The fleet nodes' retention check (see Fleet.retention). */
    void retention() {
        // The retention strategy asks the node's own cloud (EC2RetentionStrategy.java :29, by name: the first).
        for (Fleet fleet : firstOfEachName().values()) {
            fleet.retention(nodes);
        }
    }

    /** Test-only: load for the cloud (the stand-in has no queue); false when unknown or quieting down. */
    boolean provision(String cloud, int count) {
        for (Fleet fleet : fleets) {
            if (fleet.name.equals(cloud)) {
                return fleet.provision(count, quietingDown);
            }
        }
        return false;
    }

    /**
     * Computer.doDoDelete; for a fleet node EC2FleetNodeComputer.doDoDelete first (EC2FleetNodeComputer.java
     * :108-124 at ec2-fleet 4.3.0.549.vf2a_da_a_d19b_5e): stop accepting tasks and schedule the instance for
     * termination (minSize respected), which the next update() carries out. Jenkins.removeNode aborts a running
     * build: counted in /fake/state abortedBuilds.
     */
    boolean deleteNode(String name) throws IOException {
        Map<String, Object> node = nodes.node(name);
        if (node == null) {
            return false;
        }
        Object cloudName = node.get("cloudName");
        for (Fleet fleet : fleets) {
            if (fleet.name.equals(cloudName)) {
                nodes.setAcceptingTasks(name, false);
                fleet.scheduleToTerminate(name, false, "AGENT_DELETED");
                break;
            }
        }
        if (Boolean.FALSE.equals(node.get("idle"))) {
            abortedBuilds++;
        }
        return nodes.delete(name);
    }

    /** JCasC's reload: re-reads the whole configuration; a failure leaves the running configuration as it was. */
    synchronized void reload() throws IOException, Casc.ConfigurationException {
        try {
            Loaded loaded = load();
            applyConfig(loaded.config, loaded.fleets);
            lastReloadError = null;
        } catch (IOException | RuntimeException | Casc.ConfigurationException e) {
            lastReloadError = describe(e);
            throw e;
        } finally {
            lastReload = System.currentTimeMillis();
        }
        reloadCount++;
    }

    /**
     * Applying replaces the clouds with the newly built ones; nodes are kept: JCasC only sets Jenkins' nodes when the
     * document has jenkins.nodes, and even then keeps EphemeralNodes such as EC2FleetNode (configuration-as-code
     * JenkinsConfigurator.java :68-82, :140-147 at 2117.vc05a_0b_e6b_f4e; ec2-fleet EC2FleetNode.java :22). A
     * fleet node finds its cloud again by name (EC2FleetNode.java :87-88), so with the same cloud name a reload
     * leaves busy agents connected and busy.
     */
    private void applyConfig(Map<String, Object> loaded, List<Fleet> newFleets) {
        Map<String, String> found = new LinkedHashMap<>();
        Object list = Casc.at(loaded, "jenkins", "securityRealm", "local", "users");
        if (list instanceof List) {
            for (Object user : (List<?>) list) {
                if (user instanceof Map) {
                    Object id = Casc.castMap(user).get("id");
                    Object password = Casc.castMap(user).get("password");
                    if (id instanceof String && password instanceof String && !((String) password).isEmpty()) {
                        found.put((String) id, (String) password);
                    }
                }
            }
        }
        this.config = loaded;
        this.users = found;
        this.fleets = List.copyOf(newFleets);
    }

    static String describe(Exception e) {
        if (e instanceof Casc.ConfigurationException) {
            return e.getMessage();
        }
        return e instanceof IOException ? e.toString() : String.valueOf(e.getMessage());
    }

    void bootFailed(Exception e) {
        bootFailure = e;
    }

    /** Set when the configuration could not be applied at start: every URL then answers the error page. */
    Exception bootFailure() {
        return bootFailure;
    }

    String version() {
        return version;
    }

    Plugins plugins() {
        return plugins;
    }

    Map<String, Object> config() {
        return config;
    }

    ApiTokens apiTokens() {
        return apiTokens;
    }

    /** BasicHeaderApiTokenAuthenticator: a user the realm knows, with one of its API tokens. */
    boolean checkApiToken(String user, String token) throws IOException {
        return users.containsKey(user) && apiTokens.matches(user, token);
    }

    Nodes nodes() {
        return nodes;
    }

    Path home() {
        return home;
    }

    long startedAt() {
        return startedAt;
    }

    String sessionCookieName() {
        return sessionCookie;
    }

    String instanceSession() {
        return instanceSession;
    }

    boolean quietingDown() {
        return quietingDown;
    }

    /**
     * Jenkins.doQuietDown (core/src/main/java/jenkins/model/Jenkins.java :4141-4160 at jenkins-2.568.2): sets the
     * reason; with block, waits (1 s steps, up to timeout ms when positive) until no build runs
     * (RestartListener.isAllReady: the stand-in's fake builds) or quiet-down is cancelled.
     */
    void quietDown(boolean block, int timeoutMillis, String message) {
        quietDownReason = message;
        quietingDown = true;
        if (block) {
            long until = System.currentTimeMillis() + timeoutMillis;
            while (quietingDown && (timeoutMillis <= 0 || System.currentTimeMillis() < until) && nodes.anyBusy()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void cancelQuietDown() {
        quietingDown = false;
        quietDownReason = null;
    }

    String quietDownReason() {
        return quietDownReason;
    }

    /** null: no such user or wrong password. */
    boolean checkPassword(String user, String password) {
        String expected = users.get(user);
        return expected != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    /** unsecured: everyone, anonymous included, holds every permission (Overall/Administer, so Manage). */
    boolean unsecured() {
        Object strategy = Casc.at(config, "jenkins", "authorizationStrategy");
        return "unsecured".equals(strategy) || strategy instanceof Map && Casc.castMap(strategy).containsKey("unsecured");
    }

    /** loggedInUsersCanDoAnything{allowAnonymousRead} / unsecured, as far as the stand-in models authorization. */
    boolean anonymousCanRead() {
        if (unsecured()) {
            return true;
        }
        Object allow = Casc.at(config, "jenkins", "authorizationStrategy", "loggedInUsersCanDoAnything",
                "allowAnonymousRead");
        return "true".equals(String.valueOf(allow));
    }

    /**
     * Overall/Read or Overall/Manage (Overall/Administer implies both): unsecured grants everything; globalMatrix as
     * in Matrix; loggedInUsersCanDoAnything (and any strategy the stand-in does not model) grants every logged-in user
     * everything and anonymous Read only with allowAnonymousRead.
     */
    boolean hasPermission(String user, String permission) {
        if (unsecured()) {
            return true;
        }
        Object matrix = Casc.at(config, "jenkins", "authorizationStrategy", "globalMatrix");
        if (matrix instanceof Map) {
            return Matrix.allows(Casc.castMap(matrix), user, permission);
        }
        return user != null || permission.equals("Overall/Read") && anonymousCanRead();
    }

    String newSession() {
        byte[] id = new byte[12];
        new SecureRandom().nextBytes(id);
        String sid = HexFormat.of().formatHex(id);
        sessions.put(sid, Boolean.TRUE);
        return sid;
    }

    boolean knownSession(String sid) {
        return sid != null && sessions.containsKey(sid);
    }

    /** DefaultCrumbIssuer: a hash of the user, the web session and a per-instance salt. */
    String crumb(String user, String sid) {
        return sha256(crumbSalt + ":" + user + ":" + sid);
    }

    int numExecutors() {
        Object n = Casc.at(config, "jenkins", "numExecutors");
        try {
            return n == null ? 2 : Integer.parseInt(n.toString());
        } catch (NumberFormatException e) {
            return 2;
        }
    }

    Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("standIn", true);
        s.put("version", version);
        s.put("bootFailure", bootFailure == null ? null : describe(bootFailure));
        s.put("plugins", plugins.loaded());
        s.put("failedPlugins", plugins.failed());
        s.put("schemaComponents", schema.components);
        s.put("pluginsWithoutSchema", schema.uncovered);
        s.put("pid", ProcessHandle.current().pid());
        s.put("startedAt", startedAt);
        s.put("jenkinsHome", home.toString());
        s.put("cascConfig", casc.toString());
        s.put("secretsDir", secrets.toString());
        s.put("reloadCount", reloadCount);
        s.put("lastReload", lastReload == 0 ? null : lastReload);
        s.put("lastReloadError", lastReloadError);
        s.put("systemMessage", Casc.at(config, "jenkins", "systemMessage"));
        s.put("numExecutors", numExecutors());
        s.put("users", new ArrayList<>(users.keySet()));
        s.put("quietingDown", quietingDown);
        s.put("useCrumbs", true);
        s.put("clouds", Casc.at(config, "jenkins", "clouds"));
        List<Map<String, Object>> fleetStates = new ArrayList<>();
        for (Fleet fleet : fleets) {
            fleetStates.add(fleet.state());
        }
        s.put("fleets", fleetStates);
        s.put("abortedBuilds", abortedBuilds);
        try {
            s.put("apiTokens", apiTokens.count());
        } catch (IOException e) {
            s.put("apiTokens", null);
        }
        return s;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

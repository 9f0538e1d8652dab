package fake.jenkins;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps Jenkins' URLs onto the stand-in, with Jenkins' authentication, CSRF and permission behaviour. */
final class Router implements HttpHandler {
    private static final String CRUMB_FIELD = "Jenkins-Crumb";
    private static final String TOKEN_RELOAD_PATH = "/reload-configuration-as-code/";
    private final Controller jenkins;

    Router(Controller jenkins) {
        this.jenkins = jenkins;
    }

    /** What a request is allowed to do once authentication ran; null user means anonymous. */
    private static final class Auth {
        final String user;
        final boolean apiToken;

        Auth(String user, boolean apiToken) {
            this.user = user;
            this.apiToken = apiToken;
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            route(ex);
        } catch (IllegalArgumentException e) {
            send(ex, 400, "text/plain;charset=utf-8", e.getMessage());
        } catch (Exception e) {
            send(ex, 500, "text/plain;charset=utf-8", "Oops! A problem occurred: " + e);
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        Map<String, String> query = parseForm(ex.getRequestURI().getRawQuery());
        byte[] body = ex.getRequestBody().readAllBytes();
        if (isForm(ex)) {
            query.putAll(parseForm(new String(body, StandardCharsets.UTF_8)));
        }

        if (path.equals("/fake/state") && method.equals("GET")) {
            sendJson(ex, 200, jenkins.state());
            return;
        }
        if (jenkins.bootFailure() != null) {
            bootFailure(ex);
            return;
        }

        // BasicHeaderProcessor: bad credentials are rejected before anything else (401).
        Auth auth = authenticate(ex);
        if (auth == null) {
            return;
        }

        if (path.equals("/login") && method.equals("GET")) {
            send(ex, 200, "text/html;charset=utf-8",
                    "<!DOCTYPE html><html><head><title>Sign in [Jenkins]</title></head><body>"
                            + "<form method='post' action='j_spring_security_check'></form></body></html>");
            return;
        }
        if (path.equals("/whoAmI/api/json") && method.equals("GET")) {
            sendJson(ex, 200, whoAmI(auth));
            return;
        }
        if (path.equals(TOKEN_RELOAD_PATH)) {
            // An UnprotectedRootAction: no Overall/Read needed.
            tokenReload(ex, method, query, auth);
            return;
        }
        Metrics.Answer metrics = Metrics.answer(jenkins, path, auth.user);
        if (metrics != null) {
            // The prometheus plugin's UnprotectedRootAction: no Overall/Read needed (Metrics.java).
            ex.getResponseHeaders().set("Cache-Control", "must-revalidate,no-cache,no-store");
            send(ex, metrics.status, metrics.status == 200 ? Metrics.CONTENT_TYPE : "text/html;charset=utf-8",
                    metrics.body);
            return;
        }
        // Everything else needs Overall/Read.
        if (!jenkins.hasPermission(auth.user, "Overall/Read")) {
            forbidden(ex, auth, "Overall/Read");
            return;
        }

        if (method.equals("GET")) {
            get(ex, path, query, auth);
        } else if (method.equals("POST")) {
            if (path.startsWith("/fake/")) {
                // Test-only endpoints (TestRoutes): authenticated, exempt from crumbs like API-token requests.
                if (requireUser(ex, auth)) {
                    TestRoutes.Answer answer = TestRoutes.post(jenkins, path, query, body);
                    sendJson(ex, answer.status, answer.body);
                }
                return;
            }
            // CrumbFilter runs before the action: a POST without a valid crumb is refused (403).
            if (!validCrumb(ex, query, auth)) {
                send(ex, 403, "text/html;charset=utf-8",
                        "<html><body><h2>HTTP ERROR 403 No valid crumb was included in the request</h2></body></html>");
                return;
            }
            if (path.startsWith("/user/") && path.contains(ApiTokens.PREFIX)) {
                String owner = path.substring("/user/".length(), path.indexOf(ApiTokens.PREFIX));
                String action = path.substring(path.indexOf(ApiTokens.PREFIX) + ApiTokens.PREFIX.length());
                TestRoutes.Answer answer = jenkins.apiTokens().post(owner, action, auth.user, query);
                sendJson(ex, answer.status, answer.body);
                return;
            }
            if (isReload(path)) {
                reload(ex, path, auth);
                return;
            }
            if (!canManage(auth)) {
                forbidden(ex, auth, "Overall/Manage");
                return;
            }
            post(ex, path, query, auth);
        } else {
            send(ex, 405, "text/plain;charset=utf-8", "HTTP ERROR 405 Method Not Allowed");
        }
    }

    private void get(HttpExchange ex, String path, Map<String, String> query, Auth auth) throws IOException {
        switch (path) {
            case "/":
                send(ex, 200, "text/html;charset=utf-8", "<!DOCTYPE html><html><head><title>Dashboard [Jenkins]</title>"
                        + "</head><body>" + escape(String.valueOf(Casc.at(jenkins.config(), "jenkins", "systemMessage")))
                        + "</body></html>");
                return;
            case "/api/json":
                sendJson(ex, 200, ApiModels.root(jenkins));
                return;
            case "/crumbIssuer/api/json":
                String sid = sessionId(ex);
                if (!jenkins.knownSession(sid)) {
                    sid = jenkins.newSession();
                    ex.getResponseHeaders().add("Set-Cookie",
                            jenkins.sessionCookieName() + "=" + sid + "; Path=/; HttpOnly");
                }
                Map<String, Object> crumb = new LinkedHashMap<>();
                crumb.put("_class", "hudson.security.csrf.DefaultCrumbIssuer");
                crumb.put("crumb", jenkins.crumb(userName(auth), sid));
                crumb.put("crumbRequestField", CRUMB_FIELD);
                sendJson(ex, 200, crumb);
                return;
            case "/configuration-as-code/reload":
            case "/manage/configuration-as-code/reload":
                // @RequirePOST answers other methods with 405.
                send(ex, 405, "text/html;charset=utf-8", "<html><body><h1>This URL requires POST</h1></body></html>");
                return;
            case "/computer/api/json":
                sendJson(ex, 200, jenkins.nodes().computerSet(jenkins.numExecutors(), parseInt(query.get("depth"))));
                return;
            case "/pluginManager/api/json":
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("_class", "hudson.LocalPluginManager");
                int depth = query.containsKey("depth") ? Integer.parseInt(query.get("depth")) : 0;
                pm.put("plugins", jenkins.plugins().list(depth));
                sendJson(ex, 200, pm);
                return;
            default:
                String computer = computerName(path, "/api/json");
                if (computer != null) {
                    Map<String, Object> c = jenkins.nodes().computer(computer, parseInt(query.get("depth")));
                    if (c != null) {
                        sendJson(ex, 200, c);
                        return;
                    }
                }
                notFound(ex);
        }
    }

    private void post(HttpExchange ex, String path, Map<String, String> query, Auth auth) throws IOException {
        switch (path) {
            case "/quietDown":
                jenkins.quietDown(Boolean.parseBoolean(query.get("block")), parseInt(query.get("timeout")),
                        query.get("message"));
                redirect(ex, "/");
                return;
            case "/cancelQuietDown":
                jenkins.cancelQuietDown();
                redirect(ex, "/");
                return;
            default:
                String name = computerName(path, "/doDelete");
                if (name != null) {
                    if (jenkins.deleteNode(name)) {
                        redirect(ex, "/computer/");
                    } else {
                        notFound(ex);
                    }
                    return;
                }
                name = computerName(path, "/toggleOffline");
                if (name != null) {
                    if (jenkins.nodes().toggleOffline(name, auth.user, query.get("offlineMessage"))) {
                        redirect(ex, "/computer/" + name + "/");
                    } else {
                        notFound(ex);
                    }
                    return;
                }
                notFound(ex);
        }
    }

    /**
     * TokenReloadAction (configuration-as-code 2117.vc05a_0b_e6b_f4e, plugin/src/main/java/io/jenkins/plugins/casc/
     * TokenReloadAction.java): the token comes from env CASC_RELOAD_TOKEN, else the system property casc.reload.token
     * (:84-91), the request's from the casc-reload-token parameter, query or form body (:81); @RequirePOST (:48).
     * TokenReloadCrumbExclusion.java:18-21 exempts exactly this path from the crumb only while a token is set. No
     * token: 404 (:52-54); wrong token: 401 (:73-75); applied: 200, empty body (:61-64, as SYSTEM); refused:
     * errorJSON "Failed to reload configuration: ..." (:65-71); any other failure escapes to Jenkins' 500 page.
     */
    private void tokenReload(HttpExchange ex, String method, Map<String, String> query, Auth auth) throws IOException {
        if (!method.equals("POST")) {
            send(ex, 405, "text/plain;charset=utf-8", "HTTP ERROR 405 Method Not Allowed");
            return;
        }
        String token = System.getenv("CASC_RELOAD_TOKEN");
        if (token == null || token.isEmpty()) {
            token = System.getProperty("casc.reload.token");
        }
        boolean enabled = token != null && !token.isEmpty();
        if (!enabled && !validCrumb(ex, query, auth)) {
            send(ex, 403, "text/html;charset=utf-8",
                    "<html><body><h2>HTTP ERROR 403 No valid crumb was included in the request</h2></body></html>");
            return;
        }
        if (!enabled) {
            send(ex, 404, "text/html;charset=utf-8", "<html><body><h2>HTTP ERROR 404 Not Found</h2></body></html>");
            return;
        }
        String given = query.get("casc-reload-token");
        if (given == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8))) {
            send(ex, 401, "text/html;charset=utf-8", "<html><body><h2>HTTP ERROR 401 Unauthorized</h2></body></html>");
            return;
        }
        try {
            jenkins.reload();
        } catch (Casc.ConfigurationException | IOException e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("status", "error");
            error.put("message", "Failed to reload configuration: " + Controller.describe(e));
            sendJson(ex, 200, error);
            return;
        } catch (RuntimeException e) {
            send(ex, 500, "text/html;charset=utf-8", "<html><head><title>Jenkins</title></head><body><h1>Oops!</h1>"
                    + "<p>A problem occurred while processing the request</p><pre>" + escape(e.getMessage())
                    + "</pre></body></html>");
            return;
        }
        send(ex, 200, "text/plain;charset=utf-8", "");
    }

    private static boolean isReload(String path) {
        return path.equals("/configuration-as-code/reload") || path.equals("/manage/configuration-as-code/reload");
    }

    /**
     * ConfigurationAsCode.doReload (configuration-as-code 2117.vc05a_0b_e6b_f4e,
     * plugin/src/main/java/io/jenkins/plugins/casc/ConfigurationAsCode.java:169-193): without Overall/Manage a bare
     * 403; a ConfiguratorException forwards to error.jelly (status 200, the running configuration untouched, as
     * configureWith checks everything before applying, :895-910); anything else (a YAML syntax error) escapes to
     * Jenkins' 500 page; success is sendRedirect(""), which Stapler resolves against the request's directory.
     */
    private void reload(HttpExchange ex, String path, Auth auth) throws IOException {
        if (!canManage(auth)) {
            if (!jenkins.hasPermission(auth.user, "Overall/Read")) {
                forbidden(ex, auth, "Overall/Read");
            } else {
                send(ex, 403, "text/html;charset=utf-8", "<html><body><h2>HTTP ERROR 403 Forbidden</h2></body></html>");
            }
            return;
        }
        try {
            jenkins.reload();
        } catch (Casc.ConfigurationException | IOException e) {
            send(ex, 200, "text/html;charset=utf-8", errorPage(Controller.describe(e)));
            return;
        } catch (RuntimeException e) {
            send(ex, 500, "text/html;charset=utf-8", "<html><head><title>Jenkins</title></head><body><h1>Oops!</h1>"
                    + "<p>A problem occurred while processing the request</p><pre>" + escape(e.getMessage())
                    + "</pre></body></html>");
            return;
        }
        redirect(ex, path.substring(0, path.lastIndexOf('/') + 1));
    }

    /** error.jelly of ConfigurationAsCode: title "Error loading configuration" and the error message. */
    private static String errorPage(String message) {
        return "<!DOCTYPE html><html><head><title>Error loading configuration [Jenkins]</title></head><body>"
                + "<h1>Error loading configuration</h1><p><pre><code>" + escape(message) + "</code></pre></p>"
                + "</body></html>";
    }

    /**
     * A boot failure answers every URL: ConfigurationAsCodeBootFailure.doDynamic sets 503 and forwards to
     * error.jelly (ConfigurationAsCodeBootFailure.java:15-18); any other failure (a YAML syntax error) becomes
     * HudsonFailedToLoad, whose index.jelly sets 500 (core/src/main/resources/hudson/util/HudsonFailedToLoad/
     * index.jelly:27).
     */
    private void bootFailure(HttpExchange ex) throws IOException {
        Exception failure = jenkins.bootFailure();
        if (failure instanceof Casc.ConfigurationException || failure instanceof IOException) {
            send(ex, 503, "text/html;charset=utf-8", errorPage(Controller.describe(failure)));
        } else {
            send(ex, 500, "text/html;charset=utf-8", "<html><head><title>Jenkins</title></head><body><h1>Error</h1>"
                    + "<p>Jenkins failed to load</p><pre>" + escape(Controller.describe(failure))
                    + "</pre></body></html>");
        }
    }

    /** Overall/Manage: any authenticated user with loggedInUsersCanDoAnything, everyone when unsecured. */
    private boolean canManage(Auth auth) {
        return jenkins.hasPermission(auth.user, "Overall/Manage");
    }

    /** AccessDeniedException2: anonymous as below; a logged-in user "<id> is missing the <permission> permission". */
    private void forbidden(HttpExchange ex, Auth auth, String permission) throws IOException {
        if (auth.user == null) {
            forbiddenAnonymous(ex);
            return;
        }
        send(ex, 403, "text/html;charset=utf-8", "<html><body><h2>Access Denied</h2><p>" + escape(auth.user)
                + " is missing the " + escape(permission) + " permission</p></body></html>");
    }

    private static Map<String, Object> whoAmI(Auth auth) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("_class", "hudson.security.WhoAmI");
        w.put("anonymous", auth.user == null);
        w.put("authenticated", auth.user != null);
        w.put("authorities", auth.user == null ? List.of("anonymous") : List.of("authenticated"));
        w.put("details", null);
        w.put("name", userName(auth));
        w.put("toString", auth.user == null ? "AnonymousAuthenticationToken" : "UsernamePasswordAuthenticationToken");
        return w;
    }

    private static String userName(Auth auth) {
        return auth.user == null ? "anonymous" : auth.user;
    }

    /** Returns null after answering 401 when an Authorization header carries bad credentials. */
    private Auth authenticate(HttpExchange ex) throws IOException {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new Auth(null, false);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        // BasicHeaderProcessor tries the API token authenticator before the password one.
        if (colon >= 0 && jenkins.checkApiToken(user, password)) {
            return new Auth(user, true);
        }
        if (colon < 0 || !jenkins.checkPassword(user, password)) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Jenkins\"");
            send(ex, 401, "text/html;charset=utf-8",
                    "<html><body><h2>HTTP ERROR 401 Invalid password/token for user: " + escape(user)
                            + "</h2></body></html>");
            return null;
        }
        return new Auth(user, false);
    }

    private boolean requireUser(HttpExchange ex, Auth auth) throws IOException {
        if (auth.user == null) {
            forbiddenAnonymous(ex);
            return false;
        }
        return true;
    }

    private boolean validCrumb(HttpExchange ex, Map<String, String> query, Auth auth) {
        if (auth.apiToken) {
            return true; // ApiCrumbExclusion: API-token requests need no crumb.
        }
        String crumb = ex.getRequestHeaders().getFirst(CRUMB_FIELD);
        if (crumb == null) {
            crumb = query.get(CRUMB_FIELD);
        }
        String sid = sessionId(ex);
        return crumb != null && jenkins.knownSession(sid) && crumb.equals(jenkins.crumb(userName(auth), sid));
    }

    private String sessionId(HttpExchange ex) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length == 2 && kv[0].equals(jenkins.sessionCookieName())) {
                    return kv[1];
                }
            }
        }
        return null;
    }

    /** Stapler's int @QueryParameter: absent or not a number is 0. */
    private static int parseInt(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String computerName(String path, String suffix) {
        if (!path.startsWith("/computer/") || !path.endsWith(suffix)) {
            return null;
        }
        String name = path.substring("/computer/".length(), path.length() - suffix.length());
        return name.isEmpty() || name.contains("/") ? null : name;
    }

    private static boolean isForm(HttpExchange ex) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        return type != null && type.startsWith("application/x-www-form-urlencoded");
    }

    private static Map<String, String> parseForm(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    private void forbiddenAnonymous(HttpExchange ex) throws IOException {
        // HudsonAuthenticationEntryPoint: anonymous users get 403 plus these diagnostic headers.
        Headers h = ex.getResponseHeaders();
        h.add("X-You-Are-Authenticated-As", "anonymous");
        h.add("X-You-Are-In-Group-Disabled", "JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true or use /whoAmI to diagnose");
        h.add("X-Required-Permission", "hudson.model.Hudson.Read");
        h.add("X-Permission-Implied-By", "hudson.model.Hudson.Administer");
        send(ex, 403, "text/html;charset=utf-8", "<html><head><meta http-equiv='refresh' content='1;url=/login'/>"
                + "</head><body>Authentication required</body></html>");
    }

    private void notFound(HttpExchange ex) throws IOException {
        send(ex, 404, "text/html;charset=utf-8", "<html><body><h2>HTTP ERROR 404 Not Found</h2></body></html>");
    }

    private void redirect(HttpExchange ex, String location) throws IOException {
        String host = ex.getRequestHeaders().getFirst("Host");
        ex.getResponseHeaders().add("Location", host == null ? location : "http://" + host + location);
        send(ex, 302, "text/plain;charset=utf-8", "");
    }

    private void sendJson(HttpExchange ex, int status, Object value) throws IOException {
        send(ex, status, "application/json;charset=utf-8", Json.write(value));
    }

    private void send(HttpExchange ex, int status, String type, String body) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "sameorigin");
        h.set("X-Jenkins", jenkins.version());
        h.set("X-Hudson", "1.395");
        h.set("X-Jenkins-Session", jenkins.instanceSession());
        h.set("X-Jenkins-Stand-In", "true");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean noBody = ex.getRequestMethod().equals("HEAD") || bytes.length == 0;
        ex.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

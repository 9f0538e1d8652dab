package fake.jenkins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * $JENKINS_HOME/plugins/*.jpi|*.hpi loaded the way core's PluginManager and PluginWrapper load them (read at
 * jenkins-2.541.3 and jenkins-2.568.2, the same logic in both): a disabled plugin ({@code <file>.disabled}) stays
 * listed but inactive; an enabled one whose required core is newer than this core, or whose required dependency is
 * missing, disabled, failed or too old (or whose present optional dependency is too old), fails to load, is dropped
 * from the plugin list and kept with its reasons (PluginWrapper.resolvePluginDependencies, PluginManager "Loading
 * plugins"); plugins on a dependency cycle stay listed, inactive. Only loaded plugins contribute JCasC root
 * elements.
 */
final class Plugins {
    /** One plugin as its manifest describes it (or, for the CLI, as the schema's "requires" does). */
    static final class Plugin {
        String file;
        String shortName;
        String longName;
        String version = "???";
        String requiredCore;
        String url;
        boolean enabled = true;
        boolean cycle;
        final List<String[]> dependencies = new ArrayList<>(); // {shortName, version, "optional"|""}

        /** PluginWrapper.isActive: enabled and on no dependency cycle. */
        boolean active() {
            return enabled && !cycle;
        }
    }

    private final List<Plugin> plugins = new ArrayList<>();
    private final Map<String, Plugin> loaded = new LinkedHashMap<>();
    private final List<Map<String, Object>> failed = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** Reads every archive's manifest and resolves them against the given core version. */
    static Plugins load(Path dir, String coreVersion) throws IOException {
        List<Plugin> found = new ArrayList<>();
        List<Map<String, Object>> unreadable = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            TreeSet<Path> files = new TreeSet<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.{jpi,hpi}")) {
                stream.forEach(files::add);
            }
            Set<String> seen = new LinkedHashSet<>();
            for (Path file : files) {
                Plugin p;
                try {
                    p = read(file);
                } catch (IOException e) {
                    unreadable.add(failure(file.getFileName().toString(), "???", "Failed to load: " + e.getMessage()));
                    continue;
                }
                // PluginManager "Inspecting plugin": a second archive of the same short name is ignored.
                if (seen.add(p.shortName)) {
                    found.add(p);
                }
            }
        }
        Plugins result = resolve(found, coreVersion);
        result.failed.addAll(0, unreadable);
        return result;
    }

    static Plugin read(Path file) throws IOException {
        Plugin p = new Plugin();
        String fileName = file.getFileName().toString();
        p.file = fileName;
        p.shortName = fileName.substring(0, fileName.length() - 4);
        p.enabled = !Files.exists(file.resolveSibling(fileName + ".disabled"));
        try (JarFile jar = new JarFile(file.toFile())) {
            Manifest manifest = jar.getManifest();
            Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
            p.shortName = first(main, p.shortName, "Short-Name", "Extension-Name");
            p.longName = first(main, p.shortName, "Long-Name");
            p.version = first(main, "???", "Plugin-Version", "Implementation-Version");
            p.requiredCore = first(main, null, "Jenkins-Version", "Hudson-Version");
            p.url = main.getValue("Url");
            String deps = main.getValue("Plugin-Dependencies");
            if (deps != null && !deps.isBlank()) {
                for (String spec : deps.split(",")) {
                    p.dependencies.add(dependency(spec.trim()));
                }
            }
        }
        return p;
    }

    private static String first(Attributes main, String fallback, String... names) {
        for (String name : names) {
            if (main.getValue(name) != null) {
                return main.getValue(name);
            }
        }
        return fallback;
    }

    /** PluginWrapper.Dependency: "name:version[;resolution:=optional]". */
    static String[] dependency(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Illegal dependency specifier " + spec);
        }
        String[] props = spec.substring(colon + 1).split(";");
        boolean optional = false;
        for (int i = 1; i < props.length; i++) {
            optional |= props[i].trim().equalsIgnoreCase("resolution:=optional");
        }
        return new String[] {spec.substring(0, colon), optional ? props[0] : spec.substring(colon + 1),
            optional ? "optional" : ""};
    }

    static Plugins resolve(List<Plugin> found, String coreVersion) {
        Plugins r = new Plugins();
        r.plugins.addAll(found);
        Map<String, Plugin> present = new LinkedHashMap<>();
        for (Plugin p : found) {
            present.put(p.shortName, p);
        }
        Map<String, Plugin> failedByName = new LinkedHashMap<>();
        VersionNumber core = new VersionNumber(coreVersion);
        for (Plugin p : topological(found, present, r.failed)) {
            if (!p.active()) {
                continue;
            }
            Map<String, Boolean> errors = new LinkedHashMap<>();
            if (p.requiredCore == null) {
                r.warnings.add(p.shortName + " doesn't declare required core version.");
            } else if (core.isOlderThan(p.requiredCore)) {
                versionError(errors, "Jenkins (" + p.requiredCore + ") or higher required", coreVersion,
                        p.requiredCore);
            }
            for (String[] d : p.dependencies) {
                if (!d[2].isEmpty()) {
                    continue;
                }
                Plugin dep = present.get(d[0]);
                if (dep == null) {
                    Plugin failedDep = failedByName.get(d[0]);
                    if (failedDep != null) {
                        errors.put("Failed to load: " + failedDep.longName + " (" + failedDep.shortName + " "
                                + failedDep.version + ")", true);
                        break;
                    }
                    errors.put("Plugin is missing: " + d[0] + " (" + d[1] + ")", false);
                } else if (new VersionNumber(dep.version).isOlderThan(d[1])) {
                    versionError(errors, obsolete(dep, d[1]), dep.version, d[1]);
                } else if (!dep.active()) {
                    errors.put("Required plugin is disabled: " + dep.longName + " (" + dep.shortName + ")", false);
                }
            }
            for (String[] d : p.dependencies) {
                Plugin dep = present.get(d[0]);
                if (!d[2].isEmpty() && dep != null && dep.active() && new VersionNumber(dep.version).isOlderThan(d[1])) {
                    versionError(errors, obsolete(dep, d[1]), dep.version, d[1]);
                }
            }
            if (errors.isEmpty()) {
                r.loaded.put(p.shortName, p);
            } else {
                present.remove(p.shortName);
                failedByName.put(p.shortName, p);
                StringBuilder message = new StringBuilder("Failed to load: " + p.longName + " (" + p.shortName + " "
                        + p.version + ")");
                for (String e : errors.keySet()) {
                    message.append(System.lineSeparator()).append(" - ").append(e);
                }
                r.failed.add(failure(p.shortName, p.version, message.toString()));
            }
        }
        r.plugins.removeIf(p -> failedByName.containsKey(p.shortName));
        return r;
    }

    private static String obsolete(Plugin dep, String wanted) {
        return "Update required: " + dep.longName + " (" + dep.shortName + " " + dep.version + ") to be updated to "
                + wanted + " or higher";
    }

    /** PluginWrapper.versionDependencyError: snapshots only warn (JENKINS-52665). */
    private static void versionError(Map<String, Boolean> errors, String message, String actual, String minimum) {
        if (!isSnapshot(actual) && !isSnapshot(minimum)) {
            errors.put(message, false);
        }
    }

    private static boolean isSnapshot(String version) {
        return version.contains("-SNAPSHOT") || version.matches(".+-[0-9]{8}.[0-9]{6}-[0-9]+");
    }

    /**
     * Dependencies (required and optional, among the present plugins) before dependents, as PluginManager's
     * CyclicGraphDetector sorts them (PluginManager.java:515-546); every plugin on a cycle is deactivated and
     * recorded as failed ("Cycle detected: Plugin:a -> Plugin:b -> Plugin:a", CyclicGraphDetector.java:76-77).
     */
    private static List<Plugin> topological(List<Plugin> found, Map<String, Plugin> present,
            List<Map<String, Object>> failed) {
        List<Plugin> sorted = new ArrayList<>();
        Set<String> visited = new LinkedHashSet<>();
        List<Plugin> path = new ArrayList<>();
        for (Plugin p : found) {
            visit(p, present, visited, path, sorted, failed);
        }
        return sorted;
    }

    private static void visit(Plugin p, Map<String, Plugin> present, Set<String> visited, List<Plugin> path,
            List<Plugin> sorted, List<Map<String, Object>> failed) {
        if (!visited.add(p.shortName)) {
            return;
        }
        path.add(p);
        for (String[] d : p.dependencies) {
            Plugin dep = present.get(d[0]);
            if (dep == null) {
                continue;
            }
            if (path.contains(dep)) {
                List<Plugin> cycle = new ArrayList<>(path.subList(path.indexOf(dep), path.size()));
                cycle.add(dep);
                StringBuilder message = new StringBuilder("Cycle detected: ");
                for (int i = 0; i < cycle.size(); i++) {
                    message.append(i == 0 ? "" : " -> ").append("Plugin:").append(cycle.get(i).shortName);
                }
                for (Plugin member : cycle.subList(0, cycle.size() - 1)) {
                    member.cycle = true;
                    failed.add(failure(member.shortName, member.version, message.toString()));
                }
            }
            visit(dep, present, visited, path, sorted, failed);
        }
        path.remove(path.size() - 1);
        sorted.add(p);
    }

    private static Map<String, Object> failure(String name, String version, String reason) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("version", version);
        f.put("reason", reason);
        return f;
    }

    /** shortName -> version of the plugins that loaded, in load order. */
    Map<String, String> loaded() {
        Map<String, String> out = new LinkedHashMap<>();
        loaded.forEach((name, p) -> out.put(name, p.version));
        return out;
    }

    List<Map<String, Object>> failed() {
        return failed;
    }

    List<String> warnings() {
        return warnings;
    }

    /** /pluginManager/api/json's "plugins": what PluginManager.getPlugins() still holds (failed ones removed). */
    List<Map<String, Object>> list(int depth) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Plugin p : plugins) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("active", loaded.containsKey(p.shortName));
            m.put("backupVersion", null);
            m.put("bundled", false);
            m.put("deleted", false);
            m.put("downgradable", false);
            m.put("enabled", p.enabled);
            m.put("hasUpdate", false);
            m.put("longName", p.longName);
            m.put("pinned", false);
            m.put("requiredCoreVersion", p.requiredCore);
            m.put("shortName", p.shortName);
            m.put("supportsDynamicLoad", "MAYBE");
            m.put("url", p.url);
            m.put("version", p.version);
            if (depth >= 1) {
                List<Map<String, Object>> deps = new ArrayList<>();
                for (String[] d : p.dependencies) {
                    Map<String, Object> dep = new LinkedHashMap<>();
                    dep.put("optional", !d[2].isEmpty());
                    dep.put("shortName", d[0]);
                    dep.put("version", d[1]);
                    deps.add(dep);
                }
                m.put("dependencies", deps);
            }
            out.add(m);
        }
        return out;
    }
}

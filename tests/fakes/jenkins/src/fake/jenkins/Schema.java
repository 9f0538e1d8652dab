package fake.jenkins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JCasC schema of one core version plus the loaded plugins (docs/jcasc-schema.md, format 1), merged: a root's
 * attributes are the union over the components, types are merged by name. Files come from the jar (bundled by
 * build.sh under /schemas/) or from a directory given to the CLI.
 */
final class Schema {
    /** Thrown when a component has no schema file: nothing can be proved about a configuration that uses it. */
    static final class MissingSchemaException extends Exception {
        private static final long serialVersionUID = 1L;

        MissingSchemaException(String message) {
            super(message);
        }
    }

    final String coreVersion;
    final List<Integer> java = new ArrayList<>();
    final Map<String, Map<String, Object>> roots = new LinkedHashMap<>();
    final Map<String, Map<String, Object>> types = new LinkedHashMap<>();
    /** Permission ids ("Overall/Read") the loaded components define, with their origins (the files' permissions). */
    final Map<String, Object> permissions = new LinkedHashMap<>();
    final List<String> components = new ArrayList<>();
    /**
     * Loaded plugins the schema set does not cover at all (library plugins: asm-api, mailer, ...). They contribute
     * nothing here, so whatever they would let JCasC configure is refused: the stand-in may refuse what Jenkins
     * accepts, never the reverse. A covered plugin at a version without a schema stops the start instead.
     */
    final List<String> uncovered = new ArrayList<>();

    private Schema(String coreVersion) {
        this.coreVersion = coreVersion;
    }

    /** schemaDir null: the files bundled in the jar. */
    static Schema load(Path schemaDir, String coreVersion, Map<String, String> plugins)
            throws MissingSchemaException, IOException {
        Schema schema = new Schema(coreVersion);
        Map<String, Object> core = read(schemaDir, "core", coreVersion);
        for (Object v : list(core.get("java"))) {
            schema.java.add(((Number) v).intValue());
        }
        schema.add(core);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> plugin : plugins.entrySet()) {
            try {
                schema.add(read(schemaDir, plugin.getKey(), plugin.getValue()));
            } catch (MissingSchemaException e) {
                List<String> known = versionsOf(schemaDir, plugin.getKey());
                if (known.isEmpty()) {
                    schema.uncovered.add(plugin.getKey() + " " + plugin.getValue());
                } else {
                    missing.add(plugin.getKey() + " " + plugin.getValue() + " (schemas exist for " + known + ")");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingSchemaException("no JCasC schema for the loaded plugin(s) " + String.join(", ", missing)
                    + " (" + where(schemaDir) + "): the stand-in cannot tell what JCasC would accept with them");
        }
        return schema;
    }

    private static List<String> versionsOf(Path schemaDir, String component) throws IOException {
        if (schemaDir == null) {
            return bundledVersions(component);
        }
        List<String> out = new ArrayList<>();
        Path dir = schemaDir.resolve(component);
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                        .forEach(n -> out.add(n.substring(0, n.length() - 5)));
            }
        }
        return out;
    }

    /** Only the core file: its Java list, before plugins are known. */
    static List<Integer> javaVersions(Path schemaDir, String coreVersion) throws MissingSchemaException, IOException {
        List<Integer> out = new ArrayList<>();
        for (Object v : list(read(schemaDir, "core", coreVersion).get("java"))) {
            out.add(((Number) v).intValue());
        }
        return out;
    }

    /**
     * A plugin as its schema file's "requires" describes it (required core, required and optional plugins): what the
     * CLI resolves like manifests when it is given plugin versions instead of a plugins directory. Optional ones keep
     * their flag, so an optional dependency given at an older version than declared stops the plugin, as
     * PluginWrapper.resolvePluginDependencies does ("add the optional dependencies that exists",
     * core/src/main/java/hudson/PluginWrapper.java:996-1006 at jenkins-2.568.2, :998-1008 at jenkins-2.541.3).
     */
    static Plugins.Plugin asPlugin(Path schemaDir, String name, String version)
            throws MissingSchemaException, IOException {
        Map<String, Object> file = read(schemaDir, name, version);
        Plugins.Plugin p = new Plugins.Plugin();
        p.file = name + "/" + version + ".json";
        p.shortName = name;
        p.longName = name;
        p.version = version;
        Map<String, Object> requires = map(file.get("requires"));
        p.requiredCore = requires.get("core") instanceof String ? (String) requires.get("core") : null;
        for (String kind : new String[] {"plugins", "optional"}) {
            for (Map.Entry<String, Object> dep : map(requires.get(kind)).entrySet()) {
                // null: the minimum comes from the plugin BOM and is not known here, so only presence is required
                // (an optional one is then never too old).
                p.dependencies.add(new String[] {dep.getKey(), dep.getValue() == null ? "0" : (String) dep.getValue(),
                    kind.equals("optional") ? "optional" : ""});
            }
        }
        return p;
    }

    /** Versions of a component bundled in the jar (build.sh writes /schemas/INDEX, one component/version a line). */
    static List<String> bundledVersions(String component) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = Schema.class.getResourceAsStream("/schemas/INDEX")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(component + "/") && line.endsWith(".json")) {
                    out.add(line.substring(component.length() + 1, line.length() - 5));
                }
            }
        }
        return out;
    }

    private static String where(Path schemaDir) {
        return schemaDir == null ? "bundled in the jar by build.sh" : "under " + schemaDir;
    }

    private static Map<String, Object> read(Path schemaDir, String component, String version)
            throws MissingSchemaException, IOException {
        String name = component + "/" + version + ".json";
        String text;
        if (schemaDir != null) {
            Path file = schemaDir.resolve(component).resolve(version + ".json");
            if (!Files.isRegularFile(file)) {
                throw new MissingSchemaException("no JCasC schema " + name + " under " + schemaDir);
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } else {
            try (InputStream in = Schema.class.getResourceAsStream("/schemas/" + name)) {
                if (in == null) {
                    throw new MissingSchemaException("no JCasC schema " + name + " bundled in the jar by build.sh");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        Object parsed = Json.parse(text);
        if (!(parsed instanceof Map) || !Long.valueOf(1).equals(Casc.castMap(parsed).get("format"))) {
            throw new IOException(name + ": not a format 1 JCasC schema");
        }
        return Casc.castMap(parsed);
    }

    private void add(Map<String, Object> file) {
        components.add(file.get("component") + " " + file.get("version"));
        map(file.get("permissions")).forEach(permissions::putIfAbsent);
        for (Map.Entry<String, Object> root : map(file.get("roots")).entrySet()) {
            Map<String, Object> def = map(root.getValue());
            Map<String, Object> existing = roots.get(root.getKey());
            if (existing == null) {
                roots.put(root.getKey(), copy(def));
            } else if (def.containsKey("attributes")) {
                Map<String, Object> attributes = map(existing.computeIfAbsent("attributes", k -> new LinkedHashMap<>()));
                map(def.get("attributes")).forEach(attributes::putIfAbsent);
            }
        }
        for (Map.Entry<String, Object> type : map(file.get("types")).entrySet()) {
            Map<String, Object> def = map(type.getValue());
            Map<String, Object> existing = types.get(type.getKey());
            if (existing == null) {
                types.put(type.getKey(), copy(def));
                continue;
            }
            Map<String, Object> attributes = map(existing.computeIfAbsent("attributes", k -> new LinkedHashMap<>()));
            map(def.get("attributes")).forEach(attributes::putIfAbsent);
            Map<String, Object> names = map(existing.computeIfAbsent("names", k -> new LinkedHashMap<>()));
            for (Map.Entry<String, Object> base : map(def.get("names")).entrySet()) {
                List<Object> known = new ArrayList<>(list(names.get(base.getKey())));
                for (Object n : list(base.getValue())) {
                    if (!known.contains(n)) {
                        known.add(n);
                    }
                }
                names.put(base.getKey(), known);
            }
            if (Boolean.TRUE.equals(def.get("abstract"))) {
                existing.put("abstract", true);
            }
        }
    }

    private static Map<String, Object> copy(Map<String, Object> def) {
        Map<String, Object> out = new LinkedHashMap<>(def);
        for (String key : List.of("attributes", "names")) {
            if (out.get(key) instanceof Map) {
                out.put(key, new LinkedHashMap<>(map(out.get(key))));
            }
        }
        return out;
    }

    static Map<String, Object> map(Object value) {
        return value instanceof Map ? Casc.castMap(value) : Map.of();
    }

    static List<?> list(Object value) {
        return value instanceof List ? (List<?>) value : List.of();
    }
}

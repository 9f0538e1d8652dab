package fake.jenkins;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stand-in's JCasC check without a server, for the corpus tests and for people:
 * <pre>
 * java -cp jenkins.war fake.jenkins.CascCheck [--core V] [--plugins name=ver,...] [--schemas DIR] [--secrets DIR] FILE
 * </pre>
 * FILE is read like CASC_JENKINS_CONFIG (a file, or a directory of *.yml/*.yaml merged), interpolated from the
 * environment and the secrets directory, and validated against the core's and the plugins' schemas. The plugins
 * are resolved like manifests, from each schema's "requires": one needing a newer core, or a newer version of
 * another plugin given (a required or an optional dependency), is not loaded and contributes nothing (reported on
 * stderr); required plugins that are not given are assumed present (the schemas do not cover library plugins), and
 * optional ones that are not given are absent. Nothing is implied: give
 * configuration-as-code too, it declares the local realm's "users". Errors go to stdout, one {@code <path>: <message>} per
 * line. Exit 0: accepted, 1: refused, 2: usage error or a missing schema.
 */
public final class CascCheck {
    private CascCheck() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String core = null;
        Path schemas = null;
        Path secrets = null;
        Map<String, String> pluginVersions = new LinkedHashMap<>();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            if (arg.equals("--core") && hasValue) {
                core = args[++i];
            } else if (arg.equals("--schemas") && hasValue) {
                schemas = Paths.get(args[++i]);
            } else if (arg.equals("--secrets") && hasValue) {
                secrets = Paths.get(args[++i]);
            } else if (arg.equals("--plugins") && hasValue) {
                for (String spec : args[++i].split(",")) {
                    if (spec.isBlank()) {
                        continue;
                    }
                    String[] nv = spec.trim().split("=", 2);
                    if (nv.length != 2) {
                        return usage("--plugins wants name=version,..., got " + spec);
                    }
                    pluginVersions.put(nv[0], nv[1]);
                }
            } else if (arg.startsWith("--")) {
                return usage("unknown option " + arg);
            } else {
                files.add(arg);
            }
        }
        if (files.size() != 1) {
            return usage("one FILE (or directory) to check");
        }
        if (core == null) {
            core = Main.version();
        }
        try {
            List<Plugins.Plugin> present = new ArrayList<>();
            for (Map.Entry<String, String> p : pluginVersions.entrySet()) {
                Plugins.Plugin plugin = Schema.asPlugin(schemas, p.getKey(), p.getValue());
                // The schemas cover the plugins that configure something, not library plugins (snakeyaml-api, ...):
                // a required plugin left out of --plugins is assumed present, one given is checked for its version.
                plugin.dependencies.removeIf(d -> !pluginVersions.containsKey(d[0]));
                present.add(plugin);
            }
            Plugins plugins = Plugins.resolve(present, core);
            for (Map<String, Object> failed : plugins.failed()) {
                System.err.println("WARNING: plugin not loaded: " + failed.get("reason"));
            }
            Schema schema = Schema.load(schemas, core, plugins.loaded());
            if (!schema.uncovered.isEmpty()) {
                System.err.println("WARNING: no schema covers " + String.join(", ", schema.uncovered)
                        + ": they contribute nothing");
            }
            Map<String, Object> document = Casc.load(Paths.get(files.get(0)), System.getenv(), secrets);
            List<String> errors = SchemaValidator.validate(document, schema);
            errors.forEach(System.out::println);
            return errors.isEmpty() ? 0 : 1;
        } catch (Casc.ConfigurationException e) {
            e.errors().forEach(System.out::println);
            return 1;
        } catch (IllegalArgumentException e) {
            System.out.println(files.get(0) + ": " + e.getMessage());
            return 1;
        } catch (Schema.MissingSchemaException | IOException e) {
            System.err.println("ERROR: " + e.getMessage());
            return 2;
        }
    }

    private static int usage(String problem) {
        System.err.println("ERROR: " + problem);
        System.err.println("usage: java -cp jenkins.war fake.jenkins.CascCheck [--core V] [--plugins name=ver,...]"
                + " [--schemas DIR] [--secrets DIR] FILE");
        return 2;
    }
}

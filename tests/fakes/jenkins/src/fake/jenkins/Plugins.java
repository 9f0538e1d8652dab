package fake.jenkins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Reads $JENKINS_HOME/plugins/*.jpi|*.hpi manifests the way Jenkins' plugin manager lists them. */
final class Plugins {
    private Plugins() {
    }

    static List<Map<String, Object>> list(Path pluginsDir, int depth) throws IOException {
        List<Map<String, Object>> plugins = new ArrayList<>();
        if (!Files.isDirectory(pluginsDir)) {
            return plugins;
        }
        TreeSet<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(pluginsDir, "*.{jpi,hpi}")) {
            dir.forEach(files::add);
        }
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            String shortName = fileName.substring(0, fileName.length() - 4);
            Map<String, Object> plugin = new LinkedHashMap<>();
            plugin.put("active", true);
            plugin.put("backupVersion", null);
            plugin.put("bundled", false);
            plugin.put("deleted", false);
            plugin.put("downgradable", false);
            plugin.put("enabled", !Files.exists(pluginsDir.resolve(fileName + ".disabled")));
            plugin.put("hasUpdate", false);
            plugin.put("longName", shortName);
            plugin.put("pinned", false);
            plugin.put("shortName", shortName);
            plugin.put("supportsDynamicLoad", "MAYBE");
            plugin.put("url", null);
            plugin.put("version", "unknown");
            List<Map<String, Object>> dependencies = new ArrayList<>();
            try (JarFile jar = new JarFile(file.toFile())) {
                Manifest manifest = jar.getManifest();
                if (manifest != null) {
                    Attributes main = manifest.getMainAttributes();
                    if (main.getValue("Short-Name") != null) {
                        plugin.put("shortName", main.getValue("Short-Name"));
                    }
                    if (main.getValue("Long-Name") != null) {
                        plugin.put("longName", main.getValue("Long-Name"));
                    }
                    if (main.getValue("Plugin-Version") != null) {
                        plugin.put("version", main.getValue("Plugin-Version"));
                    }
                    if (main.getValue("Url") != null) {
                        plugin.put("url", main.getValue("Url"));
                    }
                    dependencies = parseDependencies(main.getValue("Plugin-Dependencies"));
                }
            } catch (IOException e) {
                // Jenkins reports a corrupt archive as a failed plugin; the stand-in lists it inactive.
                plugin.put("active", false);
                plugin.put("enabled", false);
            }
            if (depth >= 1) {
                plugin.put("dependencies", dependencies);
            }
            plugins.add(plugin);
        }
        return plugins;
    }

    /** Plugin-Dependencies: name:version[;resolution:=optional],... as written by maven-hpi-plugin. */
    static List<Map<String, Object>> parseDependencies(String header) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String part : header.split(",")) {
            String[] pieces = part.trim().split(";");
            String[] nameVersion = pieces[0].split(":", 2);
            Map<String, Object> dep = new LinkedHashMap<>();
            dep.put("optional", part.contains("resolution:=optional"));
            dep.put("shortName", nameVersion[0]);
            dep.put("version", nameVersion.length > 1 ? nameVersion[1] : "");
            out.add(dep);
        }
        return out;
    }
}

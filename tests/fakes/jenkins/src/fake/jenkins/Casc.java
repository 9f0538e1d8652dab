package fake.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The slice of Configuration as Code the stand-in understands: a block-style YAML subset (mappings, sequences,
 * plain/quoted scalars, literal blocks) and JCasC's ${name} / ${name:-default} interpolation from environment
 * variables and the SECRETS directory (one file per secret, content trimmed, like JCasC's DockerSecretSource).
 */
final class Casc {
    private static final Pattern VARIABLE = Pattern.compile("(\\^?)\\$\\{([^}:]+)(?::-([^}]*))?}");

    private Casc() {
    }

    /**
     * What JCasC raises as a ConfiguratorException (unknown root or attribute, deprecated attribute, wrong type,
     * conflicting files): one line per error. A YAML syntax error is not one (snakeyaml's YAMLException escapes
     * ConfigurationAsCode.doReload's catch), so it stays an IllegalArgumentException here.
     */
    static final class ConfigurationException extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> errors;

        ConfigurationException(List<String> errors) {
            super(String.join(System.lineSeparator(), errors));
            this.errors = List.copyOf(errors);
        }

        List<String> errors() {
            return errors;
        }
    }

    /** Reads CASC_JENKINS_CONFIG: one file, or every *.yml/*.yaml of a directory merged like JCasC does. */
    static Map<String, Object> load(Path source, Map<String, String> env, Path secrets)
            throws IOException, ConfigurationException {
        Map<String, Object> merged = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(source)) {
            TreeSet<Path> sorted = new TreeSet<>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(source, "*.{yml,yaml}")) {
                dir.forEach(sorted::add);
            }
            files.addAll(sorted);
        } else {
            files.add(source);
        }
        for (Path file : files) {
            Object doc = parseYaml(Files.readString(file, StandardCharsets.UTF_8));
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map)) {
                throw new IllegalArgumentException(file + ": the top level must be a mapping");
            }
            List<String> conflicts = new ArrayList<>();
            merge(merged, castMap(doc), "", conflicts);
            if (!conflicts.isEmpty()) {
                throw new ConfigurationException(conflicts);
            }
        }
        return castMap(interpolate(merged, env, secrets));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    private static void merge(Map<String, Object> into, Map<String, Object> from, String path, List<String> conflicts) {
        for (Map.Entry<String, Object> entry : from.entrySet()) {
            Object existing = into.get(entry.getKey());
            String at = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            if (existing instanceof Map && entry.getValue() instanceof Map) {
                merge(castMap(existing), castMap(entry.getValue()), at, conflicts);
            } else if (existing != null && !existing.equals(entry.getValue())) {
                conflicts.add(at + ": Found conflicting configuration");
            } else {
                into.put(entry.getKey(), entry.getValue());
            }
        }
    }

    static Object interpolate(Object value, Map<String, String> env, Path secrets) throws IOException {
        if (value instanceof String) {
            return resolve((String) value, env, secrets);
        }
        if (value instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : castMap(value).entrySet()) {
                out.put(entry.getKey(), interpolate(entry.getValue(), env, secrets));
            }
            return out;
        }
        if (value instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object item : (List<?>) value) {
                out.add(interpolate(item, env, secrets));
            }
            return out;
        }
        return value;
    }

    static String resolve(String text, Map<String, String> env, Path secrets) throws IOException {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (!m.group(1).isEmpty()) {
                replacement = m.group().substring(1);
            } else {
                String name = m.group(2);
                String found = env.get(name);
                if (found == null || found.isEmpty()) {
                    found = readSecret(secrets, name);
                }
                if (found == null) {
                    found = m.group(3) != null ? m.group(3) : "";
                    if (m.group(3) == null) {
                        System.err.println("WARNING: Configuration import: Found unresolved variable '" + name
                                + "'. Will default to empty string");
                    }
                }
                replacement = found;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String readSecret(Path secrets, String name) throws IOException {
        if (secrets == null || name.contains("/")) {
            return null;
        }
        Path file = secrets.resolve(name);
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        if (Files.exists(file)) {
            throw new IOException("Cannot load non-file " + file);
        }
        return null;
    }

    /** Follows a dotted path of mapping keys; returns null when any step is missing. */
    static Object at(Map<String, Object> root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = castMap(current).get(key);
        }
        return current;
    }

    // ---- YAML subset -----------------------------------------------------------------------------------------

    private static final class Line {
        final int indent;
        final String text;
        final int number;

        Line(int indent, String text, int number) {
            this.indent = indent;
            this.text = text;
            this.number = number;
        }
    }

    private static final class Parser {
        private final List<Line> lines;
        private final List<String> raw;
        private final Map<String, Object> anchors = new LinkedHashMap<>();
        private int index;

        Parser(List<Line> lines, List<String> raw) {
            this.lines = lines;
            this.raw = raw;
        }

        Object block(int indent) {
            if (index >= lines.size()) {
                return null;
            }
            Line first = lines.get(index);
            if (first.indent < indent) {
                return null;
            }
            if (isSequenceItem(first.text)) {
                return sequence(first.indent);
            }
            return mapping(first.indent);
        }

        private List<Object> sequence(int indent) {
            List<Object> list = new ArrayList<>();
            while (index < lines.size()) {
                Line line = lines.get(index);
                if (line.indent != indent || !isSequenceItem(line.text)) {
                    if (line.indent > indent) {
                        throw new IllegalArgumentException("line " + line.number + ": bad indentation");
                    }
                    break;
                }
                String rest = line.text.length() > 1 ? line.text.substring(2).trim() : "";
                if (rest.isEmpty()) {
                    index++;
                    list.add(block(indent + 1));
                } else {
                    int column = indent + line.text.indexOf(rest, 1);
                    // The item's content becomes a line of its own at the column where it starts.
                    lines.set(index, new Line(column, rest, line.number));
                    if (isSequenceItem(rest) || splitKey(rest) != null) {
                        list.add(block(column));
                    } else {
                        index++;
                        list.add(node(rest, line.number));
                    }
                }
            }
            return list;
        }

        private Map<String, Object> mapping(int indent) {
            Map<String, Object> map = new LinkedHashMap<>();
            while (index < lines.size()) {
                Line line = lines.get(index);
                if (line.indent < indent) {
                    break;
                }
                if (line.indent > indent) {
                    throw new IllegalArgumentException("line " + line.number + ": bad indentation");
                }
                String[] kv = splitKey(line.text);
                if (kv == null) {
                    throw new IllegalArgumentException("line " + line.number + ": expected 'key: value'");
                }
                String key = unquote(kv[0], line.number);
                String value = kv[1];
                String anchor = null;
                if (value.startsWith("&")) {
                    int space = value.indexOf(' ');
                    anchor = space < 0 ? value.substring(1) : value.substring(1, space);
                    value = space < 0 ? "" : value.substring(space + 1).trim();
                }
                index++;
                Object parsed;
                if (value.isEmpty()) {
                    if (index < lines.size() && (lines.get(index).indent > indent
                            || lines.get(index).indent == indent && isSequenceItem(lines.get(index).text))) {
                        parsed = lines.get(index).indent > indent ? block(indent + 1) : sequence(indent);
                    } else {
                        parsed = null;
                    }
                } else if (value.equals("|") || value.equals("|-") || value.equals(">") || value.equals(">-")) {
                    parsed = blockScalar(indent, line.number, value);
                } else {
                    parsed = node(value, line.number);
                }
                if (anchor != null) {
                    anchors.put(anchor, parsed);
                }
                if (key.equals("<<") && parsed instanceof Map) {
                    // Merge key: the mapping's own keys win over the merged ones.
                    castMap(parsed).forEach(map::putIfAbsent);
                } else {
                    map.put(key, parsed);
                }
            }
            return map;
        }

        /** A scalar, or an alias of an anchored node ({@code *name}), or an anchored scalar ({@code &name v}). */
        private Object node(String text, int line) {
            if (text.startsWith("*")) {
                if (!anchors.containsKey(text.substring(1))) {
                    throw new IllegalArgumentException("line " + line + ": unknown alias " + text);
                }
                return anchors.get(text.substring(1));
            }
            if (text.startsWith("&") && text.indexOf(' ') > 0) {
                Object value = scalar(text.substring(text.indexOf(' ') + 1).trim(), line);
                anchors.put(text.substring(1, text.indexOf(' ')), value);
                return value;
            }
            return scalar(text, line);
        }

        private String blockScalar(int indent, int headerLine, String style) {
            StringBuilder out = new StringBuilder();
            int start = headerLine; // raw line index of the first content line (headerLine is 1-based)
            int contentIndent = -1;
            int consumedUntil = start;
            for (int i = start; i < raw.size(); i++) {
                String r = raw.get(i);
                if (r.trim().isEmpty()) {
                    out.append('\n');
                    continue;
                }
                int ind = r.length() - r.stripLeading().length();
                if (ind <= indent) {
                    break;
                }
                if (contentIndent < 0) {
                    contentIndent = ind;
                }
                out.append(r.substring(Math.min(contentIndent, ind))).append(style.startsWith(">") ? " " : "\n");
                consumedUntil = i + 1;
            }
            while (index < lines.size() && lines.get(index).number <= consumedUntil) {
                index++;
            }
            String text = out.toString();
            return style.endsWith("-") ? text.stripTrailing() : text.stripTrailing() + "\n";
        }
    }

    static Object parseYaml(String text) {
        List<String> raw = List.of(text.split("\n", -1));
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String r = raw.get(i).replace("\r", "");
            if (r.contains("\t") && r.stripLeading().length() != r.length() && r.charAt(0) == '\t') {
                throw new IllegalArgumentException("line " + (i + 1) + ": tabs are not allowed for indentation");
            }
            String stripped = stripComment(r);
            if (stripped.trim().isEmpty() || stripped.trim().equals("---")) {
                continue;
            }
            int indent = stripped.length() - stripped.stripLeading().length();
            lines.add(new Line(indent, stripped.trim(), i + 1));
        }
        if (lines.isEmpty()) {
            return null;
        }
        Parser parser = new Parser(lines, raw);
        Object result = parser.block(0);
        if (parser.index < lines.size()) {
            throw new IllegalArgumentException("line " + lines.get(parser.index).number + ": unexpected content");
        }
        return result;
    }

    private static boolean isSequenceItem(String text) {
        return text.equals("-") || text.startsWith("- ");
    }

    private static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single && (i == 0 || line.charAt(i - 1) != '\\')) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Splits "key: value" / "key:" outside quotes; null when the text is not a mapping entry. */
    private static String[] splitKey(String text) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single && (i == 0 || text.charAt(i - 1) != '\\')) {
                dbl = !dbl;
            } else if (c == ':' && !single && !dbl && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
                if (i == 0 || text.charAt(0) == '[' || text.charAt(0) == '{') {
                    return null;
                }
                return new String[] {text.substring(0, i).trim(), text.substring(i + 1).trim()};
            }
        }
        return null;
    }

    private static String unquote(String s, int line) {
        Object v = scalar(s, line);
        return v == null ? "" : v.toString();
    }

    private static Object scalar(String s, int line) {
        if (s.startsWith("\"")) {
            if (!s.endsWith("\"") || s.length() < 2) {
                throw new IllegalArgumentException("line " + line + ": unterminated double-quoted string");
            }
            return Json.parse(s.replace("\\/", "/"));
        }
        if (s.startsWith("'")) {
            if (!s.endsWith("'") || s.length() < 2) {
                throw new IllegalArgumentException("line " + line + ": unterminated single-quoted string");
            }
            return s.substring(1, s.length() - 1).replace("''", "'");
        }
        if (s.equals("[]")) {
            return new ArrayList<>();
        }
        if (s.equals("{}")) {
            return new LinkedHashMap<>();
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            List<Object> list = new ArrayList<>();
            for (String part : s.substring(1, s.length() - 1).split(",")) {
                list.add(scalar(part.trim(), line));
            }
            return list;
        }
        if (s.equals("~") || s.equals("null")) {
            return null;
        }
        return s;
    }
}

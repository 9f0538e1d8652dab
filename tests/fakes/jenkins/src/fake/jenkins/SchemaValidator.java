package fake.jenkins;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * docs/jcasc-schema.md validation rules 1-5, written independently of the Python validator: every error is one line
 * {@code <path>: <message>}, the path dotted with {@code [i]} for list items.
 */
final class SchemaValidator {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private final Schema schema;
    private final List<String> errors = new ArrayList<>();

    private SchemaValidator(Schema schema) {
        this.schema = schema;
    }

    static List<String> validate(Map<String, Object> document, Schema schema) {
        SchemaValidator v = new SchemaValidator(schema);
        v.document(document);
        return v.errors;
    }

    private void document(Map<String, Object> document) {
        for (Map.Entry<String, Object> entry : document.entrySet()) {
            String key = entry.getKey();
            // ConfigurationAsCode.invokeWith matches root keys ignoring case and skips "x-" keys (YAML anchors).
            if (key.startsWith("x-")) {
                continue;
            }
            Map<String, Object> root = rootFor(key);
            if (root == null) {
                error(key, "no configurator for this root element: no loaded component provides it");
            } else if (root.get("type") instanceof String) {
                single(key, entry.getValue(), (String) root.get("type"));
            } else {
                attributes(key, entry.getValue(), Schema.map(root.get("attributes")), key);
            }
        }
    }

    private Map<String, Object> rootFor(String key) {
        for (Map.Entry<String, Map<String, Object>> root : schema.roots.entrySet()) {
            if (root.getKey().equalsIgnoreCase(key)) {
                return root.getValue();
            }
        }
        return null;
    }

    /** A mapping whose keys must be among the given attributes (rule 2), each checked against its definition. */
    private void attributes(String path, Object value, Map<String, Object> declared, String owner) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map)) {
            error(path, "expected a mapping of " + owner + "'s attributes, got " + describe(value));
            return;
        }
        for (Map.Entry<String, Object> entry : Casc.castMap(value).entrySet()) {
            String child = path + "." + entry.getKey();
            Object def = declared.get(entry.getKey());
            if (!(def instanceof Map)) {
                error(child, "unknown attribute of " + owner + " (valid: " + String.join(", ", declared.keySet()) + ")");
            } else {
                attribute(child, entry.getValue(), Casc.castMap(def));
            }
        }
    }

    private void attribute(String path, Object value, Map<String, Object> def) {
        if (Boolean.TRUE.equals(def.get("deprecated"))) {
            error(path, "attribute is deprecated");
            return;
        }
        String type = String.valueOf(def.get("type"));
        if (Boolean.TRUE.equals(def.get("multiple"))) {
            if (value == null) {
                return;
            }
            if (!(value instanceof List)) {
                error(path, "expected a list of " + type + ", got " + describe(value));
                return;
            }
            List<?> items = (List<?>) value;
            for (int i = 0; i < items.size(); i++) {
                single(path + "[" + i + "]", items.get(i), type, def);
            }
        } else if (value instanceof List) {
            error(path, "expected one " + type + ", got a list");
        } else {
            single(path, value, type, def);
        }
    }

    private void single(String path, Object value, String type) {
        single(path, value, type, Map.of());
    }

    private void single(String path, Object value, String type, Map<String, Object> def) {
        if (value == null) {
            return;
        }
        switch (type) {
            case "string":
            case "secret":
                if (value instanceof Map || value instanceof List) {
                    error(path, "expected a " + type + ", got " + describe(value));
                }
                return;
            case "int":
            case "long":
                if (!(value instanceof String) || !INTEGER.matcher((String) value).matches() || !fits(type, value)) {
                    error(path, "expected an integer (" + type + "), got " + describe(value));
                }
                return;
            case "double":
                if (!(value instanceof String) || !DECIMAL.matcher((String) value).matches()) {
                    error(path, "expected a number, got " + describe(value));
                }
                return;
            case "boolean":
                if (!(value instanceof String) || !((String) value).equalsIgnoreCase("true")
                        && !((String) value).equalsIgnoreCase("false")) {
                    error(path, "expected true or false, got " + describe(value));
                }
                return;
            case "enum":
                List<?> values = Schema.list(def.get("values"));
                if (!(value instanceof String) || !values.contains(value)) {
                    error(path, "expected one of " + values + ", got " + describe(value));
                }
                return;
            default:
                typed(path, value, type);
        }
    }

    private static boolean fits(String type, Object value) {
        try {
            long n = Long.parseLong(((String) value).replace("+", ""));
            return type.equals("long") || n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void typed(String path, Object value, String typeName) {
        Map<String, Object> type = schema.types.get(typeName);
        if (type == null) {
            error(path, "the schema has no type " + typeName + " (the stand-in cannot check it)");
            return;
        }
        if (!Boolean.TRUE.equals(type.get("abstract"))) {
            attributes(path, value, Schema.map(type.get("attributes")), simpleName(typeName));
            return;
        }
        // Rule 4: a base type's value names one implementation, as {name: {...}} or a bare name.
        String name;
        Object config = null;
        if (value instanceof String) {
            name = (String) value;
        } else if (value instanceof Map && Casc.castMap(value).size() == 1) {
            Map.Entry<String, Object> only = Casc.castMap(value).entrySet().iterator().next();
            name = only.getKey();
            config = only.getValue();
        } else if (value instanceof Map) {
            error(path, "expected one implementation of " + simpleName(typeName) + ", got "
                    + Casc.castMap(value).size() + " keys " + Casc.castMap(value).keySet());
            return;
        } else {
            error(path, "expected an implementation of " + simpleName(typeName) + ", got " + describe(value));
            return;
        }
        String impl = implementation(typeName, name);
        if (impl == null) {
            error(path, "no implementation of " + simpleName(typeName) + " named '" + name + "' (known: "
                    + String.join(", ", knownNames(typeName)) + ")");
            return;
        }
        String child = path + "." + name;
        if (value instanceof String) {
            return;
        }
        Map<String, Object> implType = schema.types.get(impl);
        attributes(child, config, Schema.map(implType.get("attributes")), simpleName(impl));
    }

    private String implementation(String base, String name) {
        for (Map.Entry<String, Map<String, Object>> type : schema.types.entrySet()) {
            if (Schema.list(Schema.map(type.getValue().get("names")).get(base)).contains(name)) {
                return type.getKey();
            }
        }
        return null;
    }

    private List<String> knownNames(String base) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> type : schema.types.values()) {
            List<?> names = Schema.list(Schema.map(type.get("names")).get(base));
            if (!names.isEmpty()) {
                out.add(String.valueOf(names.get(0)));
            }
        }
        return out;
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    private static String describe(Object value) {
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        String s = String.valueOf(value);
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    }

    private void error(String path, String message) {
        errors.add(path + ": " + message);
    }
}

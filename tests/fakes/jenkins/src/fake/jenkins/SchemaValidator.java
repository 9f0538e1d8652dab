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
            Map<String, Object> root = ignoreCase(schema.roots, key);
            if (root == null) {
                error(key, "no configurator for this root element: no loaded component provides it");
            } else if (Boolean.TRUE.equals(root.get("unmodelled"))) {
                continue;
            } else if (root.get("type") instanceof String) {
                single(key, entry.getValue(), (String) root.get("type"));
            } else {
                attributes(key, entry.getValue(), Schema.map(root.get("attributes")), key);
            }
        }
    }

    /** Root keys (ConfigurationAsCode.invokeWith) and attributes (BaseConfigurator.removeIgnoreCase) ignore case. */
    private static <V> V ignoreCase(Map<String, V> map, String key) {
        V exact = map.get(key);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, V> entry : map.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(key)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** The attribute a key sets: its name, or one of its obsolete aliases (BaseConfigurator.java:415-424). */
    private static Map.Entry<String, Object> declaredAttribute(Map<String, Object> declared, String key) {
        for (Map.Entry<String, Object> entry : declared.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(key)) {
                return entry;
            }
        }
        for (Map.Entry<String, Object> entry : declared.entrySet()) {
            for (Object alias : Schema.list(Schema.map(entry.getValue()).get("aliases"))) {
                if (String.valueOf(alias).equalsIgnoreCase(key)) {
                    return entry;
                }
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
            Map.Entry<String, Object> def = declaredAttribute(declared, entry.getKey());
            if (def == null || !(def.getValue() instanceof Map)) {
                String valid = declared.isEmpty() ? "none" : String.join(", ", declared.keySet());
                error(child, "unknown attribute of " + owner + " (valid: " + valid + ")");
            } else {
                attribute(child, def.getKey(), entry.getValue(), Casc.castMap(def.getValue()));
            }
        }
    }

    /** BaseConfigurator.configure (:429-448): deprecated and restricted attributes are refused by default. */
    private void attribute(String path, String name, Object value, Map<String, Object> def) {
        if (Boolean.TRUE.equals(def.get("deprecated"))) {
            error(path, "'" + name + "' is deprecated");
            return;
        }
        Object restricted = def.get("restricted");
        if (restricted != null && !"None".equals(restricted)) {
            error(path, "'" + name + "' is restricted: " + restricted);
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
            case "permission":
                // matrix-auth resolves a permission id by its group's id and name and refuses one no loaded plugin
                // defines: matrix-auth-3.2.8 AuthorizationContainer.java:222-231 (parsePermission), through
                // integrations/casc/PermissionDefinition.java:94-96 (the JCasC converter).
                if (value instanceof Map || value instanceof List) {
                    error(path, "expected a permission, got " + describe(value));
                } else if (!schema.permissions.containsKey(String.valueOf(value))) {
                    error(path, "Failed to parse '" + value + "' --- no such permission");
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
        // Types the generator could not model (custom configurators) are taken on trust, like the Python validator.
        if (type == null || unmodelled(type)) {
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
        Map<String, Object> implType = schema.types.get(impl);
        if (value instanceof String || unmodelled(implType)) {
            return;
        }
        attributes(path + "." + name, config, Schema.map(implType.get("attributes")), simpleName(impl));
    }

    /** Unmodelled unless another component's file declared attributes for it (files are merged). */
    private static boolean unmodelled(Map<String, Object> type) {
        return Boolean.TRUE.equals(type.get("unmodelled")) && !Boolean.TRUE.equals(type.get("abstract"))
                && Schema.map(type.get("attributes")).isEmpty();
    }

    /** HeteroDescribableConfigurator.findByPreferredSymbol / findBySymbols compare symbols ignoring case. */
    private String implementation(String base, String name) {
        for (Map.Entry<String, Map<String, Object>> type : schema.types.entrySet()) {
            for (Object known : Schema.list(Schema.map(type.getValue().get("names")).get(base))) {
                if (String.valueOf(known).equalsIgnoreCase(name)) {
                    return type.getKey();
                }
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
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }

    private void error(String path, String message) {
        errors.add(path + ": " + message);
    }
}

package fake.jenkins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON models the API answers (split out of Router to keep it small). */
final class ApiModels {
    private ApiModels() {
    }

    /** /api/json: hudson.model.Hudson as the stand-in models it. */
    static Map<String, Object> root(Controller jenkins) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("_class", "hudson.model.Hudson");
        r.put("assignedLabels", List.of(Map.of("name", "built-in")));
        Object mode = Casc.at(jenkins.config(), "jenkins", "mode");
        r.put("mode", mode == null ? "NORMAL" : mode.toString());
        r.put("nodeDescription", "the Jenkins controller's built-in node");
        r.put("nodeName", "");
        r.put("numExecutors", jenkins.numExecutors());
        r.put("description", Casc.at(jenkins.config(), "jenkins", "systemMessage"));
        r.put("jobs", List.of());
        r.put("overallLoad", new LinkedHashMap<>());
        r.put("primaryView", Map.of("_class", "hudson.model.AllView", "name", "all"));
        r.put("quietDownReason", jenkins.quietDownReason());
        r.put("quietingDown", jenkins.quietingDown());
        Object port = Casc.at(jenkins.config(), "jenkins", "slaveAgentPort");
        r.put("slaveAgentPort", port == null ? -1 : Integer.parseInt(port.toString()));
        r.put("unlabeledLoad", Map.of("_class", "jenkins.model.UnlabeledLoadStatistics"));
        r.put("url", Casc.at(jenkins.config(), "unclassified", "location", "url"));
        r.put("useCrumbs", true);
        r.put("useSecurity", true);
        r.put("views", List.of(Map.of("_class", "hudson.model.AllView", "name", "all")));
        return r;
    }
}

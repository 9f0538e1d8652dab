"""Facts that reflection alone does not give: root configurators and dedicated configurators.

Each entry names the source file and a needle; the generator looks the needle up at the pinned ref and records its
line as the origin, so a fact whose source moved or vanished fails generation instead of going stale.
"""

from __future__ import annotations

CASC = "plugin/src/main/java/io/jenkins/plugins/casc/"
CRED = "src/main/java/com/cloudbees/plugins/credentials/"

# Root keys: component -> key -> (type, path, needle). The category roots (unclassified, security, ...) are derived
# from the GlobalConfigurationCategory classes of every component (categories.py).
ROOTS = {
    "core": {
        "jenkins": ("jenkins.model.Jenkins", "core/src/main/java/jenkins/model/Jenkins.java", "public class Jenkins "),
    },
    "configuration-as-code": {
        # Roots whose content is not modelled: the plugin's own settings and the items (jobs) root.
        "configuration-as-code": (
            None,
            CASC + "impl/configurators/SelfConfigurator.java",
            'return "configuration-as-code"',
        ),
        "items": (None, CASC + "core/ItemsRootConfigurator.java", 'return "items"'),
    },
    "credentials": {
        "credentials": (
            "com.cloudbees.plugins.credentials.GlobalCredentialsConfiguration",
            CRED + "casc/CredentialsRootConfigurator.java",
            'return "credentials"',
        ),
    },
}

# Dedicated configurators: component -> [(type, path, mode, {attribute: (type, multiple, needle)})].
# mode "replace": the configurator's describe() is exactly these attributes; "extend": added to reflection's.
OVERRIDES = {
    "configuration-as-code": [
        (
            "jenkins.model.Jenkins",
            CASC + "core/JenkinsConfigurator.java",
            "extend",
            {
                "remotingSecurity": ("jenkins.security.s2m.AdminWhitelistRule", False, '("remotingSecurity"'),
                "updateCenter": ("hudson.model.UpdateCenter", False, '("updateCenter"'),
                "labelAtoms": ("hudson.model.labels.LabelAtom", True, '("labelAtoms"'),
                "proxy": ("hudson.ProxyConfiguration", False, '("proxy"'),
                "nodeMonitors": ("hudson.node_monitors.NodeMonitor", True, '("nodeMonitors"'),
            },
        ),
        (
            "hudson.security.HudsonPrivateSecurityRealm",
            CASC + "core/HudsonPrivateSecurityRealmConfigurator.java",
            "extend",
            {
                "users": (
                    "io.jenkins.plugins.casc.core.HudsonPrivateSecurityRealmConfigurator$UserWithPassword",
                    True,
                    '("users"',
                )
            },
        ),
        (
            "jenkins.security.s2m.AdminWhitelistRule",
            CASC + "core/AdminWhitelistRuleConfigurator.java",
            "replace",
            {"enabled": ("boolean", False, '("enabled"')},
        ),
        (
            "hudson.security.AuthorizationStrategy$Unsecured",
            CASC + "core/UnsecuredAuthorizationStrategyConfigurator.java",
            "replace",
            {},
        ),
    ],
    "matrix-auth": [
        (
            cls,
            "src/main/java/org/jenkinsci/plugins/matrixauth/integrations/casc/MatrixAuthorizationStrategyConfigurator.java",
            "replace",
            {
                "entries": ("org.jenkinsci.plugins.matrixauth.integrations.casc.DefinitionEntry", True, '("entries"'),
                "permissions": ("java.lang.String", True, '("permissions"'),
                "grantedPermissions": ("java.lang.String", True, '("grantedPermissions"'),
            },
        )
        for cls in (
            "hudson.security.GlobalMatrixAuthorizationStrategy",
            "hudson.security.ProjectMatrixAuthorizationStrategy",
        )
    ],
    "credentials": [
        (
            "com.cloudbees.plugins.credentials.GlobalCredentialsConfiguration",
            CRED + "casc/CredentialsRootConfigurator.java",
            "replace",
            {"system": ("com.cloudbees.plugins.credentials.SystemCredentialsProvider", False, '("system"')},
        ),
        (
            "com.cloudbees.plugins.credentials.SystemCredentialsProvider",
            CRED + "casc/SystemCredentialsProviderConfigurator.java",
            "replace",
            {
                "domainCredentials": (
                    "com.cloudbees.plugins.credentials.domains.DomainCredentials",
                    True,
                    '("domainCredentials"',
                )
            },
        ),
    ],
}

# JenkinsConfigurator.exclusions() (core/JenkinsConfigurator.java:150-152).
EXCLUSIONS = {"jenkins.model.Jenkins": ("installState",)}

# Attributes of these types are expanded; the others of the same type are kept as names with an unmodelled value
# (the template and the usual extras only use these).
EXPAND_ONLY = {
    "jenkins.model.Jenkins": {
        "systemMessage",
        "numExecutors",
        "mode",
        "securityRealm",
        "authorizationStrategy",
        "crumbIssuer",
        "disableRememberMe",
        "markupFormatter",
        "slaveAgentPort",
        "agentProtocols",
        "clouds",
        "quietPeriod",
        "scmCheckoutRetryCount",
        "labelString",
        "remotingSecurity",
        "noUsageStatistics",
    },
}
# Category attributes (global configuration descriptors) whose types are expanded; others are unmodelled.
EXPAND_CATEGORY = {"location", "buildDiscarders", "prometheusConfiguration"}

# Types never expanded (their configuration is free-form for the validators): big model areas nobody templates.
STOP = {
    "hudson.model.Node",
    "hudson.model.View",
    "hudson.model.ViewsTabBar",
    "hudson.model.MyViewsTabBar",
    "hudson.slaves.NodeProperty",
    "hudson.model.UserProperty",
    "hudson.model.labels.LabelAtom",
    "hudson.node_monitors.NodeMonitor",
    "hudson.model.UpdateCenter",
    "hudson.ProxyConfiguration",
    "jenkins.model.ProjectNamingStrategy",
    "hudson.slaves.RetentionStrategy",
    "hudson.slaves.ComputerLauncher",
    "hudson.tools.ToolProperty",
    "hudson.tools.ToolInstallation",
}

# Types configured from a scalar by a Stapler converter the plugin registers: type -> (component, path, needle,
# schema type). A PermissionDefinition is a permission id (type `permission`: a string among the loaded components'
# `permissions`), which the converter resolves or refuses (PermissionDefinition.java:94-96, through
# AuthorizationContainer.parsePermission).
SCALAR_TYPES = {
    "org.jenkinsci.plugins.matrixauth.integrations.casc.PermissionDefinition": (
        "matrix-auth",
        "src/main/java/org/jenkinsci/plugins/matrixauth/integrations/casc/PermissionDefinition.java",
        "target == PermissionDefinition.class && o instanceof String",
        "permission",
    ),
}

# Permission ids matrix-auth accepts ("<group id>/<name>"): it resolves an id by its permission group's id and refuses
# one it cannot resolve (matrix-auth-3.2.8 src/main/java/org/jenkinsci/plugins/matrixauth/AuthorizationContainer.java
# :222-231, "Failed to parse '<id>' --- no such permission"; integrations/PermissionFinder.java:63-78). A group's id is
# the English title of PermissionGroup(owner, title) (core hudson/security/PermissionGroup.java); PermissionFinder
# skips the generic group owned by Permission.class. Only the ids listed here are in the schemas: the validators then
# refuse an id Jenkins would accept (never the reverse). Each entry is located in its source at generation time.
# Keyed by the component's repository: groups (group id, None, the Messages.properties that titles it, needle) and
# permissions (id, None, path, needle); one of another repository (a required dependency's) names it instead of None:
# (repository, ref).
CORE_MESSAGES = "core/src/main/resources/hudson/model/Messages.properties"
# The metrics plugin defines Metrics/View, which the prometheus plugin's endpoint checks; prometheus requires it
# (its pom, version managed by the plugin BOM): the newest release in the snapshot.
METRICS_PLUGIN = ("jenkinsci/metrics-plugin", "4.2.37-489.vb_6db_69b_ce753")
METRICS_JAVA = "src/main/java/jenkins/metrics/api/Metrics.java"
PERMISSION_GROUPS = {
    "jenkinsci/jenkins": [
        ("Overall", None, CORE_MESSAGES, "Hudson.Permissions.Title=Overall"),
        ("Job", None, CORE_MESSAGES, "Item.Permissions.Title=Job"),
        ("View", None, CORE_MESSAGES, "View.Permissions.Title=View"),
    ],
    "jenkinsci/prometheus-plugin": [
        (
            "Metrics",
            METRICS_PLUGIN,
            "src/main/resources/jenkins/metrics/api/Messages.properties",
            "Metrics.PermissionGroup=Metrics",
        ),
    ],
}
PERMISSIONS = {
    "jenkinsci/jenkins": [
        (
            "Overall/Administer",
            None,
            "core/src/main/java/hudson/security/Permission.java",
            'HUDSON_ADMINISTER = new Permission(HUDSON_PERMISSIONS, "Administer"',
        ),
        (
            "Overall/Read",
            None,
            "core/src/main/java/jenkins/model/Jenkins.java",
            'READ = new Permission(PERMISSIONS, "Read"',
        ),
        (
            "Overall/Manage",
            None,
            "core/src/main/java/jenkins/model/Jenkins.java",
            'MANAGE = new Permission(PERMISSIONS, "Manage"',
        ),
        (
            "Overall/SystemRead",
            None,
            "core/src/main/java/jenkins/model/Jenkins.java",
            'SYSTEM_READ = new Permission(PERMISSIONS, "SystemRead"',
        ),
        ("Job/Read", None, "core/src/main/java/hudson/model/Item.java", "Permission READ ="),
        ("View/Read", None, "core/src/main/java/hudson/model/View.java", 'READ = new Permission(PERMISSIONS, "Read"'),
    ],
    "jenkinsci/prometheus-plugin": [
        ("Metrics/View", METRICS_PLUGIN, METRICS_JAVA, "VIEW = new Permission(PERMISSIONS,"),
    ],
}

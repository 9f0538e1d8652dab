"""Every JCasC key path jenkins.yaml.j2 may produce, with where the plugins define it.

Paths use "[]" for list items. Checked against the plugins' sources (fetched with the search tool, 2026 snapshots):
- Jenkins core / configuration-as-code-plugin test resources and demos (demos/jenkins/jenkins.yaml,
  test-harness/src/test/resources/**: GlobalSecurityConfiguration.yml, Primitives.yml, admin.yml).
  Not agentProtocols (Jenkins.setAgentProtocols @Deprecated since core 2.483) nor
  crumbIssuer.standard.excludeClientIPFromCrumb (@Deprecated since core 2.543, DefaultCrumbIssuer.java:65 at
  jenkins-2.568.2): JCasC refuses deprecated attributes.
- ec2-fleet-plugin EC2FleetCloud @DataBoundConstructor (name, awsCredentialsId, region, endpoint, fleet,
  labelString, fsRoot, computerConnector, privateIpUsed, alwaysReconnect, idleMinutes, minSize, maxSize,
  minSpareSize, numExecutors, addNodeOnlyIfRunning, restrictUsage, maxTotalUses, disableTaskResubmit,
  initOnlineTimeoutSec, initOnlineCheckIntervalSec, cloudStatusIntervalSec, noDelayProvision, executorScaler)
  and src/test/resources/.../EC2FleetCloud/max-configuration-as-code.yml.
- ssh-agents-plugin (ssh-slaves) SSHConnector @DataBoundConstructor(port, credentialsId) and @DataBoundSetters
  (jvmOptions, javaPath, prefixStartSlaveCmd, suffixStartSlaveCmd, maxNumRetries, launchTimeoutSeconds,
  retryWaitTime, sshHostKeyVerificationStrategy, tcpNoDelay, workDir); verification strategies without @Symbol,
  so JCasC names them after the class: manuallyTrustedKeyVerificationStrategy(requireInitialManualTrust), …
- ssh-credentials-plugin BasicSSHUserPrivateKey(scope, id, username, privateKeySource, passphrase, description),
  DirectEntryPrivateKeySource(privateKey); its jcasc/configuration-as-code.yaml test resource.
- ldap-plugin LDAPConfiguration(server, rootDN, inhibitInferRootDN, managerDN, managerPasswordSecret) + setters
  userSearchBase, userSearch, groupSearchBase, groupSearchFilter; src/test/resources/.../casc.yml.
- oic-auth-plugin src/test/resources/org/jenkinsci/plugins/oic/ConfigurationAsCode*.yml (clientId, clientSecret,
  serverConfiguration.wellKnown.wellKnownOpenIDConfigurationUrl, userNameField, groupsFieldName,
  fullNameFieldName, emailFieldName, logoutFromOpenidProvider).
"""

CORE = {
    "jenkins.systemMessage",
    "jenkins.numExecutors",
    "jenkins.mode",
    "jenkins.disableRememberMe",
    "jenkins.markupFormatter",
    "jenkins.slaveAgentPort",
    # A bare symbol (SYMBOL_VALUES): core 2.543+ marks excludeClientIPFromCrumb @Deprecated, JCasC refuses it.
    "jenkins.crumbIssuer",
    "jenkins.securityRealm.local.allowsSignup",
    "jenkins.securityRealm.local.users[].id",
    "jenkins.securityRealm.local.users[].password",
    "unclassified.location.url",
    "unclassified.location.adminAddress",
    # core GlobalBuildDiscarderConfiguration (@Symbol buildDiscarders), JobGlobalBuildDiscarderStrategy
    # (jobBuildDiscarder), SimpleGlobalBuildDiscarderStrategy(discarder) (simpleBuildDiscarder), LogRotator (logRotator)
    "unclassified.buildDiscarders.configuredBuildDiscarders",
    "unclassified.buildDiscarders.configuredBuildDiscarders[]",
    "unclassified.buildDiscarders.configuredBuildDiscarders[].simpleBuildDiscarder.discarder.logRotator.daysToKeepStr",
    "unclassified.buildDiscarders.configuredBuildDiscarders[].simpleBuildDiscarder.discarder.logRotator.numToKeepStr",
    "unclassified.buildDiscarders.configuredBuildDiscarders[].simpleBuildDiscarder.discarder.logRotator"
    ".artifactDaysToKeepStr",
    "unclassified.buildDiscarders.configuredBuildDiscarders[].simpleBuildDiscarder.discarder.logRotator"
    ".artifactNumToKeepStr",
}

# matrix-auth 3.2.8 MatrixAuthorizationStrategyConfigurator `entries` (:63), DefinitionEntry user/group setters
# (:61, :70), DefinitionEntry.Child(name, permissions) (:120); GlobalMatrixAuthorizationStrategyConfigurator
# getName() "globalMatrix" (:44); test resource configuration-as-code-v3.yml.
_MATRIX = "jenkins.authorizationStrategy.globalMatrix.entries[]."
MATRIX_AUTH = {
    _MATRIX + kind + "." + key for kind in ("user", "group") for key in ("name", "permissions", "permissions[]")
}

LDAP = {
    "jenkins.securityRealm.ldap.configurations[].server",
    "jenkins.securityRealm.ldap.configurations[].rootDN",
    "jenkins.securityRealm.ldap.configurations[].managerDN",
    "jenkins.securityRealm.ldap.configurations[].managerPasswordSecret",
    "jenkins.securityRealm.ldap.configurations[].userSearchBase",
    "jenkins.securityRealm.ldap.configurations[].userSearch",
    "jenkins.securityRealm.ldap.configurations[].groupSearchBase",
    "jenkins.securityRealm.ldap.configurations[].groupSearchFilter",
}

OIDC = {
    "jenkins.securityRealm.oic.clientId",
    "jenkins.securityRealm.oic.clientSecret",
    "jenkins.securityRealm.oic.serverConfiguration.wellKnown.wellKnownOpenIDConfigurationUrl",
    "jenkins.securityRealm.oic.userNameField",
    "jenkins.securityRealm.oic.groupsFieldName",
    "jenkins.securityRealm.oic.fullNameFieldName",
    "jenkins.securityRealm.oic.emailFieldName",
    "jenkins.securityRealm.oic.logoutFromOpenidProvider",
}

_FLEET = "jenkins.clouds[].eC2Fleet."
EC2_FLEET = {
    _FLEET + key
    for key in (
        "name",
        "awsCredentialsId",
        "region",
        "endpoint",
        "fleet",
        "labelString",
        "fsRoot",
        "privateIpUsed",
        "alwaysReconnect",
        "idleMinutes",
        "minSize",
        "maxSize",
        "minSpareSize",
        "numExecutors",
        "addNodeOnlyIfRunning",
        "restrictUsage",
        "maxTotalUses",
        "disableTaskResubmit",
        "initOnlineTimeoutSec",
        "initOnlineCheckIntervalSec",
        "cloudStatusIntervalSec",
        "noDelayProvision",
    )
}
_SSH = _FLEET + "computerConnector.sshConnector."
SSH_CONNECTOR = {
    _SSH + key
    for key in (
        "credentialsId",
        "port",
        "jvmOptions",
        "javaPath",
        "prefixStartSlaveCmd",
        "suffixStartSlaveCmd",
        "maxNumRetries",
        "launchTimeoutSeconds",
        "retryWaitTime",
        "tcpNoDelay",
        "workDir",
        "sshHostKeyVerificationStrategy",
        "sshHostKeyVerificationStrategy.manuallyTrustedKeyVerificationStrategy.requireInitialManualTrust",
    )
}
# Describables given by symbol alone (a scalar value): the value must be one of these.
SYMBOL_VALUES = {
    _SSH
    + "sshHostKeyVerificationStrategy": {
        "knownHostsFileKeyVerificationStrategy",
        "nonVerifyingKeyVerificationStrategy",
    },
    "jenkins.mode": {"NORMAL", "EXCLUSIVE"},
    "jenkins.markupFormatter": {"plainText"},
    "jenkins.crumbIssuer": {"standard"},
    "unclassified.buildDiscarders.configuredBuildDiscarders[]": {"jobBuildDiscarder"},
}

_CRED = "credentials.system.domainCredentials[].credentials[].basicSSHUserPrivateKey."
SSH_CREDENTIALS = {
    _CRED + key
    for key in ("scope", "id", "username", "passphrase", "description", "privateKeySource.directEntry.privateKey")
}

ALLOWED = CORE | LDAP | OIDC | EC2_FLEET | SSH_CONNECTOR | SSH_CREDENTIALS | MATRIX_AUTH


def _prefixes(path):
    parts = path.split(".")
    prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return prefixes | {p[:-2] for p in prefixes if p.endswith("[]")}


# Intermediate mappings (jenkins, jenkins.clouds[].eC2Fleet, …) are allowed as far as they lead to allowed keys.
ALLOWED_WITH_PARENTS = set().union(*(_prefixes(p) for p in ALLOWED))

"""The stand-in loads plugins as Jenkins does and refuses to start when a loaded plugin has no JCasC schema."""

import json

from .standin_helpers import AUTH, VALID, make, request, state, wait_answering, write_plugin


def test_plugin_needing_a_newer_core_is_not_loaded_and_its_root_is_refused(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID + "security:\n  matrixAuth:\n    enabled: true\n")
    instances.append(standin)
    plugins = standin.home / "plugins"
    plugins.mkdir()
    write_plugin(
        plugins / "configuration-as-code.jpi",
        Short_Name="configuration-as-code",
        Plugin_Version="2117.vc05a_0b_e6b_f4e",
        Jenkins_Version="2.479.3",
    )
    write_plugin(
        plugins / "matrix-auth.jpi", Short_Name="matrix-auth", Plugin_Version="3.2.6", Jenkins_Version="2.600.1"
    )
    write_plugin(
        plugins / "needs-matrix.hpi",
        Short_Name="needs-matrix",
        Long_Name="Needs Matrix",
        Plugin_Version="1.0",
        Jenkins_Version="2.479.3",
        Plugin_Dependencies="matrix-auth:3.0",
    )
    standin.start(wait=False)
    status, dummy, body = wait_answering(standin)
    assert status == 503
    assert "security: no configurator for this root element" in body
    current = state(standin)
    assert current["plugins"] == {"configuration-as-code": "2117.vc05a_0b_e6b_f4e"}
    reasons = {f["name"]: f["reason"].splitlines() for f in current["failedPlugins"]}
    # PluginWrapper.resolvePluginDependencies' messages (core Messages.properties PluginWrapper.*).
    assert reasons == {
        "matrix-auth": ["Failed to load: matrix-auth (matrix-auth 3.2.6)", " - Jenkins (2.600.1) or higher required"],
        "needs-matrix": [
            "Failed to load: Needs Matrix (needs-matrix 1.0)",
            " - Failed to load: matrix-auth (matrix-auth 3.2.6)",
        ],
    }


def test_covered_plugin_at_a_version_without_schema_stops_the_start(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    (standin.home / "plugins").mkdir()
    write_plugin(standin.home / "plugins" / "ec2-fleet.jpi", Short_Name="ec2-fleet", Plugin_Version="4.2.0")
    standin.start(wait=False)
    assert standin.proc.wait(timeout=30) == 1
    log = standin.log.read_text()
    assert "no JCasC schema for the loaded plugin(s) ec2-fleet 4.2.0 (schemas exist for [4.3.0.549" in log


def test_plugin_no_schema_covers_contributes_nothing(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    (standin.home / "plugins").mkdir()
    write_plugin(standin.home / "plugins" / "snakeyaml-api.jpi", Short_Name="snakeyaml-api", Plugin_Version="2.3-1")
    standin.start()
    current = state(standin)
    assert current["plugins"] == {"snakeyaml-api": "2.3-1"}
    assert current["pluginsWithoutSchema"] == ["snakeyaml-api 2.3-1"]
    assert "no JCasC schema covers the loaded plugin(s) snakeyaml-api 2.3-1" in standin.log.read_text()


def test_too_old_or_disabled_dependency_fails_the_dependent(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    plugins = standin.home / "plugins"
    plugins.mkdir()
    write_plugin(plugins / "ssh-credentials.jpi", Short_Name="ssh-credentials", Plugin_Version="300.v1")
    write_plugin(
        plugins / "old-dep.jpi", Short_Name="old-dep", Plugin_Version="1", Plugin_Dependencies="ssh-credentials:355.v9"
    )
    write_plugin(plugins / "off.jpi", Short_Name="off", Plugin_Version="1")
    (plugins / "off.jpi.disabled").write_text("")
    write_plugin(plugins / "needs-off.jpi", Short_Name="needs-off", Plugin_Version="1", Plugin_Dependencies="off:1")
    # ssh-credentials 300.v1 loads and the fixtures have it only at 361.vb_f6760818e8c: the start stops there.
    standin.start(wait=False)
    assert standin.proc.wait(timeout=30) == 1
    log = standin.log.read_text()
    assert " - Update required: ssh-credentials (ssh-credentials 300.v1) to be updated to 355.v9 or higher" in log
    assert " - Required plugin is disabled: off (off)" in log
    assert "no JCasC schema for the loaded plugin(s) ssh-credentials 300.v1" in log


def test_plugins_on_a_dependency_cycle_are_inactive(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    plugins = standin.home / "plugins"
    plugins.mkdir()
    write_plugin(plugins / "a.jpi", Short_Name="a", Plugin_Version="1", Plugin_Dependencies="b:1")
    write_plugin(plugins / "b.jpi", Short_Name="b", Plugin_Version="1", Plugin_Dependencies="a:1;resolution:=optional")
    write_plugin(plugins / "c.jpi", Short_Name="c", Plugin_Version="1", Plugin_Dependencies="a:1")
    standin.start()
    current = state(standin)
    assert current["plugins"] == {}
    reasons = {f["name"]: f["reason"] for f in current["failedPlugins"]}
    assert reasons["a"] == reasons["b"] == "Cycle detected: Plugin:a -> Plugin:b -> Plugin:a"
    assert reasons["c"].splitlines()[1] == " - Required plugin is disabled: a (a)"
    listed = json.loads(request(standin.url + "/pluginManager/api/json", headers=AUTH)[2])["plugins"]
    assert [(p["shortName"], p["active"]) for p in listed] == [("a", False), ("b", False)]


def test_an_optional_dependency_older_than_declared_fails_the_dependent(fixture_wars, tmp_path, instances):
    """PluginWrapper.resolvePluginDependencies, "add the optional dependencies that exists" (jenkins-2.568.2
    core/src/main/java/hudson/PluginWrapper.java:996-1006): an optional dependency that is active and older than
    declared is a version error; absent or disabled, it is no error."""
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    plugins = standin.home / "plugins"
    plugins.mkdir()
    write_plugin(plugins / "lib.jpi", Short_Name="lib", Plugin_Version="1.0")
    write_plugin(plugins / "off.jpi", Short_Name="off", Plugin_Version="1.0")
    (plugins / "off.jpi.disabled").write_text("")
    optional = {
        "too-old": "lib:2.0;resolution:=optional",
        "new-enough": "lib:1.0;resolution:=optional",
        "absent": "nothere:9.0;resolution:=optional",
        "disabled": "off:9.0;resolution:=optional",
    }
    for name, dependency in optional.items():
        write_plugin(plugins / (name + ".jpi"), Short_Name=name, Plugin_Version="1", Plugin_Dependencies=dependency)
    standin.start()
    current = state(standin)
    assert sorted(current["plugins"]) == ["absent", "disabled", "lib", "new-enough"]
    reasons = {f["name"]: f["reason"].splitlines() for f in current["failedPlugins"]}
    assert reasons == {
        "too-old": [
            "Failed to load: too-old (too-old 1)",
            " - Update required: lib (lib 1.0) to be updated to 2.0 or higher",
        ]
    }

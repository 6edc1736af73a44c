"""The offline evaluator the other tests rely on: it must agree with CloudFormation's documented behaviour."""

from __future__ import annotations

from typing import Any

import pytest

from dualstack.proofs.evaluate import EvaluationError, evaluate, fn_cidr, remembered_lookups


def test_fn_cidr_matches_the_documented_example() -> None:
    # CloudFormation's Fn::Cidr page: !Cidr ["192.168.0.0/24", 6, 5] makes six /27s.
    assert fn_cidr("192.168.0.0/24", "6", "5") == [f"192.168.0.{32 * i}/27" for i in range(6)]


def test_fn_cidr_cuts_ipv6_slash_64s_from_a_slash_56() -> None:
    assert fn_cidr("2001:db8:0:ff00::/56", 3, 64) == [
        "2001:db8:0:ff00::/64",
        "2001:db8:0:ff01::/64",
        "2001:db8:0:ff02::/64",
    ]


@pytest.mark.parametrize(
    ("block", "count", "bits", "message"),
    [
        ("10.0.0.0/23", 3, 8, "holds 2 blocks of /24, 3 asked for"),
        ("10.0.0.0/24", 1, 9, "do not fit"),
        ("10.0.0.0/16", 257, 8, "outside 1..256"),
        ("10.0.1.0/16", 1, 8, "host bits"),
    ],
)
def test_fn_cidr_fails_where_cloudformation_would(block: str, count: int, bits: int, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        fn_cidr(block, count, bits)


TEMPLATE: dict[str, Any] = {
    "Parameters": {
        "Count": {"Type": "Number", "Default": "1", "AllowedValues": ["1", "2"]},
        "Name": {"Type": "String", "AllowedPattern": "^[a-z]+$", "ConstraintDescription": "lower case only"},
    },
    "Conditions": {"Two": {"Fn::Equals": [{"Ref": "Count"}, "2"]}, "One": {"Fn::Not": [{"Condition": "Two"}]}},
    "Resources": {
        "First": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${AWS::StackName}-${Name}"}}},
        "Second": {
            "Type": "AWS::SNS::Topic",
            "Condition": "Two",
            "DependsOn": "First",
            "Properties": {
                "TopicName": {"Fn::Select": [1, {"Fn::GetAZs": ""}]},
                "DisplayName": {"Fn::If": ["One", "x", {"Ref": "AWS::NoValue"}]},
            },
        },
    },
    "Outputs": {
        "Names": {
            "Value": {
                "Fn::Join": [",", [{"Ref": "First"}, {"Fn::If": ["Two", {"Ref": "Second"}, {"Ref": "AWS::NoValue"}]}]]
            }
        },
        "OnlyTwo": {
            "Condition": "Two",
            "Value": {"Ref": "Second"},
            "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-x"}},
        },
    },
}


def test_conditions_decide_which_resources_and_outputs_exist() -> None:
    one = evaluate(TEMPLATE, {"Name": "abc"}, stack_name="s")
    assert set(one.resources) == {"First"}
    assert one.conditions == {"Two": False, "One": True}
    assert one.outputs == {"Names": {"Value": "<First>", "Export": None}}
    two = evaluate(TEMPLATE, {"Name": "abc", "Count": "2"}, region="eu-west-1", stack_name="s")
    assert two.resources["First"]["Properties"] == {"TopicName": "s-abc"}
    assert two.resources["Second"]["Properties"] == {"TopicName": "eu-west-1b"}, "NoValue drops the property"
    assert two.resources["Second"]["DependsOn"] == ["First"]
    assert two.outputs["Names"]["Value"] == "<First>,<Second>"
    assert two.outputs["OnlyTwo"]["Export"] == "s-x"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Name has no value"),
        ({"Name": "ABC"}, "lower case only"),
        ({"Name": "abc", "Count": "3"}, "not one of 1, 2"),
        ({"Name": "abc", "Other": "1"}, "unknown parameter Other"),
    ],
)
def test_parameter_constraints_are_enforced(params: dict[str, str], message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        evaluate(TEMPLATE, params)


def test_select_past_the_end_fails_like_cloudformation() -> None:
    with pytest.raises(EvaluationError, match=r"Resources\.Second.*nonexistent value at index 1"):
        evaluate(TEMPLATE, {"Name": "abc", "Count": "2"}, azs=["only-one-zone"])


def test_reference_to_a_resource_that_does_not_exist_fails() -> None:
    broken = {**TEMPLATE, "Outputs": {"Bad": {"Value": {"Ref": "Second"}}}}
    with pytest.raises(EvaluationError, match="Second does not exist"):
        evaluate(broken, {"Name": "abc"})


def test_every_mapping_lookup_must_resolve_even_where_no_branch_or_resource_uses_it() -> None:
    # CloudFormation resolves each Fn::FindInMap before it creates anything, whichever Fn::If branch holds it and
    # whether or not its resource exists (aws-cloudformation/aws-cloudformation-templates#271).
    lookup = {"Fn::FindInMap": ["Sizes", {"Ref": "Count"}, "Bits"]}
    template = {
        **TEMPLATE,
        "Mappings": {"Sizes": {"1": {"Bits": "8"}}},
        "Resources": {
            **TEMPLATE["Resources"],
            "Third": {
                "Type": "AWS::SNS::Topic",
                "Properties": {"DisplayName": {"Fn::If": ["One", "unused lookup", lookup]}},
            },
            "Fourth": {"Type": "AWS::SNS::Topic", "Condition": "One", "Properties": {"DisplayName": lookup}},
        },
    }
    one = evaluate(template, {"Name": "abc"})
    assert one.resources["Third"]["Properties"] == {"DisplayName": "unused lookup"}
    assert one.resources["Fourth"]["Properties"] == {"DisplayName": "8"}
    with pytest.raises(EvaluationError, match=r"Resources\.Third.*no mapping entry Sizes\.2\.Bits \(from Count=2\)"):
        evaluate(template, {"Name": "abc", "Count": "2"})
    # Fourth does not exist with Count=2, yet its lookup fails the template too.
    del template["Resources"]["Third"]
    with pytest.raises(EvaluationError, match=r"Resources\.Fourth.*no mapping entry Sizes\.2\.Bits"):
        evaluate(template, {"Name": "abc", "Count": "2"})


def test_mapping_lookups_in_conditions_and_outputs_are_resolved_too() -> None:
    lookup = {"Fn::FindInMap": ["Sizes", {"Ref": "Count"}, "Bits"]}
    sizes = {"Sizes": {"1": {"Bits": "8"}}}
    in_condition = {
        **TEMPLATE,
        "Mappings": sizes,
        # With Count=2 "One" is false, so evaluating the condition alone would never reach the lookup.
        "Conditions": {
            **TEMPLATE["Conditions"],
            "Unused": {"Fn::And": [{"Condition": "One"}, {"Fn::Equals": [lookup, "8"]}]},
        },
    }
    in_output = {
        **TEMPLATE,
        "Mappings": sizes,
        "Outputs": {"Hidden": {"Condition": "One", "Value": lookup}},
    }
    for template, section in ((in_condition, "Conditions"), (in_output, "Outputs")):
        assert evaluate(template, {"Name": "abc"})
        with pytest.raises(EvaluationError, match=rf"^{section}\.(Unused|Hidden)\..*Sizes\.2\.Bits \(from Count=2\)$"):
            evaluate(template, {"Name": "abc", "Count": "2"})


def _sized(entry: str) -> dict[str, Any]:
    """TEMPLATE with an output looking up ``Sizes.<entry>.Bits``, of which only ``Sizes.1.Bits`` exists."""
    lookup = {"Fn::FindInMap": ["Sizes", entry, "Bits"]}
    return {**TEMPLATE, "Mappings": {"Sizes": {"1": {"Bits": "8"}}}, "Outputs": {"Size": {"Value": lookup}}}


def test_remembered_lookups_are_each_templates_own_and_fail_where_a_fresh_evaluation_fails() -> None:
    good, bad = _sized("1"), _sized("9")
    message = r"^Outputs\.Size\.Value\.Fn::FindInMap: no mapping entry Sizes\.9\.Bits$"
    with remembered_lookups():
        for _ in range(2):  # the second round reads what the first remembered
            assert evaluate(good, {"Name": "abc"}).outputs["Size"]["Value"] == "8"
            with pytest.raises(EvaluationError, match=message):
                evaluate(bad, {"Name": "abc"})
    with pytest.raises(EvaluationError, match=message):
        evaluate(bad, {"Name": "abc"})


def test_lookups_are_remembered_only_while_the_outermost_context_is_open() -> None:
    # As remembered_lookups says: a template changed in place within the context keeps the lookups it had. That is
    # the caller's promise not to change it; here it shows what is remembered, and for how long.
    template = _sized("1")
    changed = {"Condition": "One", "Value": {"Fn::FindInMap": ["Sizes", "9", "Bits"]}}  # not used with Count=2
    with remembered_lookups():
        with remembered_lookups():
            evaluate(template, {"Name": "abc"})
        template["Outputs"]["Other"] = changed  # after the inner context closed: still remembered by the outer
        assert "Other" not in evaluate(template, {"Name": "abc", "Count": "2"}).outputs
    with pytest.raises(EvaluationError, match=r"^Outputs\.Other\.Value\.Fn::FindInMap: no mapping entry Sizes\.9"):
        evaluate(template, {"Name": "abc", "Count": "2"})


def test_a_lookup_inside_a_list_is_checked_and_named_by_its_index_and_other_three_item_lists_are_not_lookups() -> None:
    template = _sized("1")
    # Three literals that are not a lookup: Fn::If's condition and branches, and a plain list.
    template["Outputs"]["Branch"] = {"Value": {"Fn::If": ["One", "x", "y"]}}
    template["Outputs"]["Listed"] = {"Value": {"Fn::Join": [",", ["a", "b", "c"]]}}
    assert evaluate(template, {"Name": "abc"}).outputs["Branch"]["Value"] == "x"
    template["Outputs"]["Joined"] = {
        "Value": {
            "Fn::Join": [",", [[{"Fn::FindInMap": ["Sizes", "1", "Bits"]}], {"Fn::FindInMap": ["Sizes", "9", "Bits"]}]]
        }
    }
    with pytest.raises(
        EvaluationError,
        match=r"^Outputs\.Joined\.Value\.Fn::Join\[1\]\[1\]\.Fn::FindInMap: no mapping entry Sizes\.9\.Bits$",
    ):
        evaluate(template, {"Name": "abc"})


def test_a_missing_entry_named_by_literals_says_only_which_entry() -> None:
    template = {
        **TEMPLATE,
        "Mappings": {"Sizes": {"1": {"Bits": "8"}}},
        "Outputs": {"Fixed": {"Value": {"Fn::FindInMap": ["Sizes", "9", "Bits"]}}},
    }
    with pytest.raises(
        EvaluationError, match=r"^Outputs\.Fixed\.Value\.Fn::FindInMap: no mapping entry Sizes\.9\.Bits$"
    ):
        evaluate(template, {"Name": "abc"})


def test_lookups_keyed_by_pseudo_parameters_are_checked_and_those_keyed_by_resources_left_to_their_use() -> None:
    by_region = {"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, {"Ref": "Name"}]}
    by_resource = {"Fn::FindInMap": ["Regions", {"Ref": "First"}, "abc"]}
    template = {
        **TEMPLATE,
        "Mappings": {"Regions": {"eu-west-1": {"abc": "x"}}},
        "Outputs": {
            "ByRegion": {"Value": {"Fn::If": ["Two", by_region, "none"]}},
            # Not a key CloudFormation can know before it creates anything: left to where it is used.
            "ByResource": {"Value": {"Fn::If": ["Two", by_resource, "none"]}},
        },
    }
    assert evaluate(template, {"Name": "abc"}, region="eu-west-1").outputs["ByRegion"]["Value"] == "none"
    # Another region: the region-keyed lookup fails, though its branch is not taken.
    with pytest.raises(EvaluationError, match=r"^Outputs\.ByRegion\..*no mapping entry Regions\.us-east-1\.abc"):
        evaluate(template, {"Name": "abc"}, region="us-east-1")
    # Taken, the resource-keyed lookup has no entry for the resource's ID.
    with pytest.raises(EvaluationError, match=r"^Outputs\.ByResource\..*no mapping entry Regions\.<First>\.abc$"):
        evaluate(template, {"Name": "abc", "Count": "2"}, region="eu-west-1")
    missing_resource = {**template, "Outputs": {"Bad": {"Value": {"Fn::FindInMap": ["Regions", {"Ref": "Gone"}, "x"]}}}}
    with pytest.raises(EvaluationError, match=r"^Outputs\.Bad\.Value\.Fn::FindInMap\.Ref: Gone is not a"):
        evaluate(missing_resource, {"Name": "abc"})


def test_a_missing_entry_names_every_parameter_that_chose_it() -> None:
    template = {
        **TEMPLATE,
        "Mappings": {"Sizes": {"1": {"a": "8"}}},
        "Outputs": {"Size": {"Value": {"Fn::FindInMap": ["Sizes", {"Ref": "Count"}, {"Ref": "Name"}]}}},
    }
    with pytest.raises(EvaluationError, match=r"no mapping entry Sizes\.1\.abc \(from Count=1, Name=abc\)$"):
        evaluate(template, {"Name": "abc"})


def test_lookups_keyed_by_made_up_pseudo_parameters_are_left_to_their_use() -> None:
    # The account and, unless given, the stack's name are stand-ins here: a lookup keyed by them in a branch not
    # taken is not refused, since the real value may well have its entry.
    by_account = {"Fn::FindInMap": ["Ids", {"Ref": "AWS::AccountId"}, "x"]}
    by_stack = {"Fn::FindInMap": ["Ids", {"Ref": "AWS::StackName"}, "x"]}
    template = {
        **TEMPLATE,
        "Mappings": {"Ids": {"prod-net": {"x": "1"}}},
        "Outputs": {
            "ByAccount": {"Value": {"Fn::If": ["Two", by_account, "none"]}},
            "ByStack": {"Value": {"Fn::If": ["Two", by_stack, "none"]}},
        },
    }
    assert evaluate(template, {"Name": "abc"}).outputs["ByStack"]["Value"] == "none"
    assert evaluate(template, {"Name": "abc"}, stack_name="prod-net").outputs["ByStack"]["Value"] == "none"
    with pytest.raises(EvaluationError, match=r"^Outputs\.ByStack\..*no mapping entry Ids\.dev-net\.x"):
        evaluate(template, {"Name": "abc"}, stack_name="dev-net")


@pytest.mark.parametrize(
    ("pseudo", "value"),
    [("AWS::Region", "eu-west-1"), ("AWS::Partition", "aws"), ("AWS::URLSuffix", "amazonaws.com")],
)
def test_lookups_keyed_by_the_region_and_what_follows_from_it_are_resolved_up_front(pseudo: str, value: str) -> None:
    template = {
        **TEMPLATE,
        "Mappings": {"ByPseudo": {"elsewhere": {"x": "1"}}},
        "Outputs": {
            "Unused": {"Value": {"Fn::If": ["Two", {"Fn::FindInMap": ["ByPseudo", {"Ref": pseudo}, "x"]}, "-"]}}
        },
    }
    with pytest.raises(EvaluationError, match=rf"^Outputs\.Unused\..*no mapping entry ByPseudo\.{value}\.x$"):
        evaluate(template, {"Name": "abc"}, region="eu-west-1")

#!/usr/bin/env bash
# make scan: AWS Control Tower's own guard rules, run with cfn-guard, for each control the README names, on what
# CloudFormation would create for the compliant parameter set (dualstack compliant build/scan).
# Both come pinned in scan/package-lock.json (@cdklabs/cdk-validator-cfnguard bundles the binary and the rules).
#   scan/guard.sh build/scan
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
package="$here/node_modules/@cdklabs/cdk-validator-cfnguard"
rules="$package/rules/control-tower/cfn-guard"
case "$(uname -s)" in Darwin) os=macos ;; *) os=ubuntu ;; esac
case "$(uname -m)" in arm64 | aarch64) arch=aarch64 ;; *) arch=x86_64 ;; esac
guard="$package/bin/$os/$arch/cfn-guard"
[ -x "$guard" ] || { echo "scan/guard.sh: $guard is missing: run make scan (it installs scan/package-lock.json)" >&2; exit 2; }
folder="${1:?scan/guard.sh: give the folder of the compliant renders, such as build/scan}"

# The controls the README's compliant section names, and the rule file of each.
CONTROLS=(
  "CT.CLOUDWATCH.PR.2 cloudwatch/ct-cloudwatch-pr-2.guard"
  "CT.CLOUDWATCH.PR.3 cloudwatch/ct-cloudwatch-pr-3.guard"
  "CT.EC2.PR.8 ec2/ct-ec2-pr-8.guard"
)
# The test-instance rendering is scanned, but not compliant: its instance has a public IPv4 address by design
# (scan/checkov.yaml says the same of CKV_AWS_88).
NOT_COMPLIANT_BY_DESIGN="dualstack-vpc-test-instance.json CT.EC2.PR.8"

failed=0
for file in "$folder"/*.json; do
  for control in "${CONTROLS[@]}"; do
    read -r id rule <<< "$control"
    if [ "$(basename "$file") $id" = "$NOT_COMPLIANT_BY_DESIGN" ]; then
      echo "skip  $id  $(basename "$file") (by design)"
      continue
    fi
    if output="$("$guard" validate --rules "$rules/$rule" --data "$file" --show-summary none 2>&1)"; then
      echo "pass  $id  $(basename "$file")"
    else
      echo "FAIL  $id  $(basename "$file")"
      echo "$output" | grep -E "Error|PropertyPath|FIX" | sed 's/^ */      /' | head -6
      failed=1
    fi
  done
done
[ "$failed" = 0 ] && echo "cfn-guard: every control the README names passes on every compliant rendering"
exit "$failed"

#!/usr/bin/env bash
# mkvariant.sh NAME PYTHON-EDIT-SCRIPT : apply edits to the worktree, build core jar into /tmp/cp6/lib-NAME, revert edits.
set -eu
cd /work/wt/coreperf6
name=$1; edit=$2
git diff > /tmp/cp6/wip.diff
python3 "$edit"
flock /tmp/tiercel-mvn.lock mvn -B -ntp -q -pl tiercel-core package -DskipTests
rm -rf /tmp/cp6/lib-$name; cp -r /tmp/base7/tiercel-dist/target/lib /tmp/cp6/lib-$name
cp tiercel-core/target/tiercel-core-0.1.0-SNAPSHOT.jar /tmp/cp6/lib-$name/
git checkout -q tiercel-core/src/main/java && git apply /tmp/cp6/wip.diff
git diff --stat

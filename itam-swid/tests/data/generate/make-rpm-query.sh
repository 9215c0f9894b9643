#!/usr/bin/env bash
# Produces rpm-query.txt: the output of `rpm -qa --queryformat` (itam_swid::generate::
# RPM_QUERY_FORMAT) over a throw-away rpm database holding a few packages built here with
# rpmbuild (Debian's `rpm` package, 4.18). The packages are empty; what matters is what rpm
# itself prints for their name, epoch, version, release, arch, vendor and summary (including
# `(none)` for an unset epoch or vendor).
#
#   bash make-rpm-query.sh > rpm-query.txt
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/db" "$work/build"

spec() { # name epoch version release arch vendor summary
  local epoch="" vendor="" buildarch="" target=()
  [ -n "$2" ] && epoch="Epoch: $2"
  if [ "$5" = noarch ]; then buildarch="BuildArch: noarch"; else target=(--target "$5"); fi
  [ -n "$6" ] && vendor="Vendor: $6"
  cat > "$work/$1.spec" <<SPEC
Name: $1
$epoch
Version: $3
Release: $4
$buildarch
$vendor
Summary: $7
License: MIT
%description
$7
%files
SPEC
  rpmbuild --quiet --define "_topdir $work/build" --define "_build_id_links none" \
    "${target[@]}" -bb "$work/$1.spec" > /dev/null 2>&1
}

spec bash "" 5.2.26 3.fc40 x86_64 "Fedora Project" "The GNU Bourne Again shell"
spec openssl-libs 1 3.2.2 3.fc40 x86_64 "Fedora Project" "A general purpose cryptography library with TLS implementation"
spec tzdata "" 2024a 5.fc40 noarch "Fedora Project" "Timezone data"
spec perl-Carp "" 1.54 502.fc40 noarch "" "Alternative warn and die for modules"
spec glibc "" 2.39 17.fc40 i686 "Fedora Project" "The GNU libc libraries"
spec glibc "" 2.39 17.fc40 x86_64 "Fedora Project" "The GNU libc libraries"
spec google-chrome-stable "" 126.0.6478.126 1 x86_64 "Google Inc." "Google Chrome"
spec "gpg-pubkey" "" 8f2c1a1c 6544de7b noarch "" "Fedora (40) <fedora-40-primary@fedoraproject.org> public key"

rpm --dbpath "$work/db" --initdb
rpm --dbpath "$work/db" -i --justdb --nodeps --ignorearch --ignoreos --nosignature \
  "$work"/build/RPMS/*/*.rpm
rpm --dbpath "$work/db" -qa --queryformat \
  '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{SUMMARY}\n' | sort

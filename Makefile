# skbpf — quick start: `make demo`, `make test`.
SHELL := /bin/bash
SWIFT ?= swift
CLANG ?= /opt/swift/usr/bin/clang
SHARED ?= ../shared
# Debian packages the project uses (libpcap for packet I/O, kernel and network tools for oracle tests).
DEB_PACKAGES := libpcap-dev bpftool tcpdump tshark iproute2 iperf3 iputils-ping python3
SKBPF_RELEASE := .build/release/skbpf

.PHONY: all deps build release programs demo test bench bench-replay clean

all: build programs

## deps: install missing Debian packages (as root), or print the command to run.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "missing Debian packages:$$missing"; \
	  echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	fi

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product skbpf

## programs: compile the example C programs under Programs/ with clang -target bpf.
programs:
	$(MAKE) -C Programs CLANG=$(CLANG)

## demo: install what is missing, build, and run the main job on the bundled sample.
demo: deps release programs
	@echo; echo "== skbpf replay --pipeline Programs/pipelines/example.yaml --in Programs/samples/samples.pcap --out-dir /tmp/skbpf-demo"
	@rm -rf /tmp/skbpf-demo
	@$(SKBPF_RELEASE) replay --pipeline Programs/pipelines/example.yaml --in Programs/samples/samples.pcap --out-dir /tmp/skbpf-demo
	@echo; echo "== head -3 /tmp/skbpf-demo/verdicts.jsonl"
	@head -3 /tmp/skbpf-demo/verdicts.jsonl
	@echo; echo "== skbpf disasm Programs/build/drop_icmp.o"
	@$(SKBPF_RELEASE) disasm Programs/build/drop_icmp.o
	@echo; echo "== skbpf verify Programs/build/drop_icmp.o && skbpf test-run ... --packet Programs/samples/icmp_echo.bin"
	@$(SKBPF_RELEASE) verify Programs/build/drop_icmp.o
	@$(SKBPF_RELEASE) test-run Programs/build/drop_icmp.o --packet Programs/samples/icmp_echo.bin
	@echo; echo "== skbpf asm Programs/asm/tcp_port_80.s -o /tmp/skbpf-demo.bin && skbpf run ... --mem Programs/samples/tcp_syn_port80.bin"
	@$(SKBPF_RELEASE) asm Programs/asm/tcp_port_80.s -o /tmp/skbpf-demo.bin
	@$(SKBPF_RELEASE) run /tmp/skbpf-demo.bin --mem Programs/samples/tcp_syn_port80.bin --repeat 100000
	@if [ -d $(SHARED)/conformance/bpf_conformance/tests ]; then \
	  echo; echo "== skbpf conformance $(SHARED)/conformance/bpf_conformance/tests"; \
	  $(SKBPF_RELEASE) conformance $(SHARED)/conformance/bpf_conformance/tests | tail -n 1; \
	else echo "($(SHARED)/conformance not found: conformance demo skipped)"; fi

## test: install what is missing, build the example programs, run every test.
test: deps programs
	$(SWIFT) test

## bench: release benchmarks (nested package, ordo-one/benchmark).
bench:
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

## bench-replay: skbpf replay against tcpdump on the 1M-packet gen_traffic file (issue 5's figure).
bench-replay:
	Benchmarks/scripts/replay_vs_tcpdump.sh
	Benchmarks/scripts/replay_vs_tcpdump.sh --out null

clean:
	rm -rf .build Programs/build

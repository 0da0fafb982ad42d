package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/pflag"
)

// buildVersion is set at link time: -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion = ""

func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func versionCommand() *command {
	c := &command{
		name:    "version",
		summary: "print the version",
		usage:   "Usage: incidents version\n\nPrints the version of incidents and of the Go toolchain that built it.\n",
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		fs := pflag.NewFlagSet("version", pflag.ContinueOnError)
		if err := parseFlags(c, fs, args); err != nil {
			return err
		}
		goVersion := "unknown"
		if info, ok := debug.ReadBuildInfo(); ok {
			goVersion = info.GoVersion
		}
		fmt.Fprintf(e.stdout, "incidents %s (%s)\n", version(), goVersion)
		return nil
	}
	return c
}

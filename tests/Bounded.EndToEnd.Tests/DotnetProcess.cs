using System;
using System.Collections;
using System.Diagnostics;
using System.Text;
using System.Threading;

namespace Bounded.EndToEnd.Tests;

/// <summary>Runs the real dotnet CLI as a child process with a timeout, isolated from the test host's MSBuild state.</summary>
internal static class DotnetProcess
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static Result Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(host) ? "dotnet" : host)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in {timeout}:\n{output}");
        }

        // WaitForExit(timeout) does not wait for the redirected output (dotnet/runtime#51641): under load the
        // lines of a finished build arrived after it returned, so the output looked empty. WaitForExitAsync waits
        // for the readers to reach the end of the streams; the token bounds that wait.
        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                process.WaitForExitAsync(drain.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // A grandchild process still holds the pipes; keep what arrived.
            }
        }
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }
}

using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Bounded.Analyzers.Tests.Queues;

internal static class QueueTestSupport
{
    /// <summary>Realistic surroundings: a message type, an HTTP client, a file store and a logger-like sink.</summary>
    public static string Wrap(string members) => """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        public record Job(int Id, string Payload);

        public partial class Pipeline
        {
            private readonly HttpClient _http = new HttpClient();
            private static Task ProcessAsync(Job job, CancellationToken cancellationToken = default) => Task.Delay(1, cancellationToken);
            private static void Process(Job job) { }
            private static string Resize(string path) => path;

        """ + members + """

        }
        """;

    /// <summary>Half-typed code: the analyzer must not throw, and reports only where the intent is already clear.</summary>
    public static Task NoCrashOnBrokenCodeAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Runs the analyzer with an optional global config (build properties) and .editorconfig.</summary>
    public static Task AnalyzeAsync<TAnalyzer>(string source, string? globalConfig, string? editorConfig, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = source };
        if (globalConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + globalConfig));
        }

        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + editorConfig));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }
}

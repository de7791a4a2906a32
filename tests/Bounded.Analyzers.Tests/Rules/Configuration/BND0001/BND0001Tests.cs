using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Configuration;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Configuration;

/// <summary>BND0001: a bounded.* entry the rules cannot use is reported once, with the key, the value and what applies instead.</summary>
public class BND0001Tests
{
    private const string Source = "class C { }";

    private static DiagnosticResult Invalid(string entry, string what, string consequence) =>
        new DiagnosticResult(InvalidOptionAnalyzer.Rule).WithArguments(entry, what, consequence);

    private static Task Check(string editorConfig, params DiagnosticResult[] expected) =>
        Verify.AnalyzerAsync<InvalidOptionAnalyzer>(Source, editorConfig, expected);

    [Theory]
    [InlineData("bounded.max_concurrency = lots", "is not a whole number of at least 1", "the default (Environment.ProcessorCount) applies")]
    [InlineData("bounded.max_concurrency = 0", "is not a whole number of at least 1", "the default (Environment.ProcessorCount) applies")]
    [InlineData("bounded.small_loop_limit = -1", "is not a whole number of at least 0", "the default (16) applies")]
    [InlineData("bounded.max_stackalloc_bytes = 2000000", "is not a whole number from 0 to 1048576", "the default (256) applies")]
    [InlineData("bounded.clear_pooled_arrays = yes", "is neither true nor false", "the default (false) applies")]
    [InlineData("bounded.bnd1001.max_io_concurrency = 1.5", "is not a whole number of at least 1", "the default (16) applies")]
    public Task AValueTheRuleCannotReadIsReported(string entry, string what, string consequence) =>
        Check(entry, Invalid(entry, what, consequence));

    [Theory]
    [InlineData("bounded.max_concurency = 4", "bounded.max_concurency", "is not a Bounded option (did you mean 'bounded.max_concurrency'?)")]
    [InlineData("bounded.bnd1001.max_concurency = 4", "bounded.bnd1001.max_concurency", "is not a Bounded option (did you mean 'bounded.bnd1001.max_concurrency'?)")]
    [InlineData("bounded.frobnicate = 1", "bounded.frobnicate", "is not a Bounded option")]
    [InlineData("bounded.bnd9999.max_concurrency = 4", "bounded.bnd9999.max_concurrency", "names no Bounded rule ('BND9999')")]
    [InlineData("bounded.bnd3001.max_concurrency = 4", "bounded.bnd3001.max_concurrency", "is read by no rule: BND3001 does not use max_concurrency (BND1001, BND1002, BND1003, BND4002 do)")]
    public Task AKeyNoRuleReadsIsReported(string entry, string key, string what) =>
        Check(entry, Invalid(key, what, "it has no effect"));

    /// <summary>Valid entries, every option type, shared and per rule, and keys of other tools: nothing to report.</summary>
    [Fact]
    public Task ValidEntriesAreNotReported() => Check("""
        bounded.max_concurrency = 8
        bounded.bnd1001.max_io_concurrency = 32
        bounded.small_loop_limit = 0
        bounded.clear_pooled_arrays = TRUE
        bounded.hot_path_attributes = Hot, Critical
        bounded.bnd2001.task_ownership_methods = Track
        bounded.bnd2001.exclude_test_projects = true
        dotnet_diagnostic.BND1001.severity = warning
        boundedness = high
        """);

    /// <summary>The same entry seen by every file (and twice in the configuration) is one diagnostic.</summary>
    [Fact]
    public async Task OneDiagnosticPerEntryWhateverTheNumberOfFiles()
    {
        var test = new AnalyzerTest<InvalidOptionAnalyzer>();
        test.TestState.Sources.Add(("/A.cs", "class A { }"));
        test.TestState.Sources.Add(("/B.cs", "class B { }"));
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\nbounded.queue_capacity = many\n[B.cs]\nbounded.queue_capacity = many\n"));
        test.ExpectedDiagnostics.Add(Invalid("bounded.queue_capacity = many", "is not a whole number of at least 1", "the default (1024) applies"));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AGlobalConfigEntryIsCheckedToo()
    {
        var test = new AnalyzerTest<InvalidOptionAnalyzer> { TestCode = Source };
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbounded.min_array_size = big\n"));
        test.ExpectedDiagnostics.Add(Invalid("bounded.min_array_size = big", "is not a whole number of at least 0", "the default (256) applies"));
        await test.RunAsync(CancellationToken.None);
    }
}

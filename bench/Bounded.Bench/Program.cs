using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Bench;

/// <summary>
/// dotnet run -c Release --project bench/Bounded.Bench -- [options]
///   --sizes 10000,100000   generated corpus sizes in lines (default 10000,30000,100000; "" for none)
///   --large                also the 1,000,000-line corpus (2 iterations, no warm-up, no do-nothing pass; 20-40 minutes on 2 busy cores)
///   --corpus DIR           also measure every .cs file under DIR (e.g. tests/Bounded.Analyzers.Tests/Corpus)
///   --list                 with --corpus: list each Bounded diagnostic in DIR with its source line instead of measuring
///   --implicit-usings      with --corpus: add the .NET SDK's implicit global usings (System, System.IO, System.Linq,
///                          System.Net.Http, System.Threading, System.Threading.Tasks, System.Collections.Generic), as a
///                          project with ImplicitUsings=enable compiles them; without it such code binds only partly
///                          (a precision review on real code; every rule on, Info rules included)
///   --iterations N         measured iterations per corpus (default 5)
///   --warmup N             discarded iterations per corpus (default 1)
///   --seed N               generator seed (default 20261129)
///   --no-baseline          skip the do-nothing-analyzer pass (faster; no driver/allocation split)
///   --allocations          also each analyzer's own allocations, one pass per analyzer alone (first corpus only)
///   --aspnet               also reference the ASP.NET Core targeting pack (web code: controllers, hubs, endpoints resolve)
/// </summary>
public static class Program
{
    private const string ImplicitGlobalUsings = "global using System; global using System.Collections.Generic; global using System.IO; "
        + "global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    private const double TotalBudget = 0.05;
    private const double PerAnalyzerBudget = 0.02;
    private const int BudgetSize = 100_000;

    public static async Task<int> Main(string[] args)
    {
        var sizes = new List<int> { 10_000, 30_000, 100_000 };
        var iterations = 5;
        var warmup = 1;
        var seed = 20261129;
        var baseline = true;
        var allocations = false;
        var aspNet = false; // web code: also reference the ASP.NET Core pack, so request handlers resolve
        string? corpus = null;
        var list = false;
        var implicitUsings = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sizes":
                    sizes = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
                    break;
                case "--large":
                    sizes.Add(1_000_000);
                    break;
                case "--corpus":
                    corpus = args[++i];
                    break;
                case "--list":
                    list = true;
                    break;
                case "--implicit-usings":
                    implicitUsings = true;
                    break;
                case "--iterations":
                    iterations = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--no-baseline":
                    baseline = false;
                    break;
                case "--allocations":
                    allocations = true;
                    break;
                case "--aspnet":
                    aspNet = true;
                    break;
                default:
                    Console.Error.WriteLine("unknown option " + args[i]);
                    return 2;
            }
        }

        var references = ReferencePack.Load(typeof(Program).Assembly);
        if (aspNet)
        {
            references = references.AddRange(ReferencePack.Load(typeof(Program).Assembly, "Microsoft.AspNetCore.App.Ref"));
        }
        var analyzers = AnalyzerCost.DiscoverAnalyzers(typeof(Bounded.Analyzers.BoundedOptions).Assembly);
        var noOp = baseline ? new NoOpAnalyzer() : null;
        Console.WriteLine($"Bounded analyzer cost: {analyzers.Length} analyzers ({string.Join(", ", analyzers.Select(AnalyzerCost.NameOf))})");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, "
            + $"Roslyn {typeof(Compilation).Assembly.GetName().Version}; load average {LoadAverage()}");
        Console.WriteLine("compiler = Compilation.GetDiagnostics() on a fresh compilation, single-threaded; analyzer = summed callback time "
            + "(CompilationWithAnalyzers, logAnalyzerExecutionTime, concurrentAnalysis off); ratio = analyzer / compiler, per iteration.");
        Console.WriteLine();

        if (corpus is not null)
        {
            var files = Directory.GetFiles(corpus, "*.cs", SearchOption.AllDirectories)
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new CorpusFile(Path.GetRelativePath(corpus, f), File.ReadAllText(f)))
                .ToList();
            if (implicitUsings)
            {
                files.Add(new CorpusFile("(implicit global usings)", ImplicitGlobalUsings));
            }

            if (list)
            {
                return await ListAsync(files, references, analyzers);
            }

            var summary = await AnalyzerCost.MeasureAsync(files, references, analyzers, warmup, iterations, noOp);
            Print("corpus " + corpus, summary);
            if (allocations)
            {
                await PrintAllocationsAsync(files, references, analyzers);
                allocations = false;
            }
        }

        var scaling = new List<CostSummary>();
        var budgetOk = true;
        foreach (var size in sizes)
        {
            var files = CorpusGenerator.Generate(size, seed);
            // The 1M-line corpus: the smaller sizes already warmed the JIT; two iterations, no do-nothing pass.
            var huge = size >= 1_000_000;
            var summary = await AnalyzerCost.MeasureAsync(files, references, analyzers, huge ? 0 : warmup, huge ? Math.Min(iterations, 2) : iterations, huge ? null : noOp);
            Print($"generated {size:N0} lines (seed {seed})", summary);
            if (allocations)
            {
                await PrintAllocationsAsync(files, references, analyzers);
                allocations = false;
            }
            scaling.Add(summary);
            if (size == BudgetSize)
            {
                budgetOk = PrintBudget(summary);
            }
        }

        if (scaling.Count >= 2)
        {
            PrintScaling(scaling);
        }

        return budgetOk ? 0 : 1;
    }

    /// <summary>Prints <c>file(line,col): ID message</c> and the source line of every diagnostic; exit 1 when an analyzer threw.</summary>
    private static async Task<int> ListAsync(IReadOnlyList<CorpusFile> files, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var (diagnostics, errors, exceptions) = await AnalyzerCost.FindAsync(files, references, analyzers);
        foreach (var diagnostic in diagnostics)
        {
            var span = diagnostic.Location.GetLineSpan();
            var text = diagnostic.Location.SourceTree!.GetText().Lines[span.StartLinePosition.Line].ToString().Trim();
            Console.WriteLine($"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {diagnostic.Id} {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
            Console.WriteLine("    " + text);
        }

        Console.WriteLine($"{files.Count} files, {files.Sum(f => f.Text.Count(c => c == '\n')):N0} lines, compiler errors {errors} (unresolved packages bind less), "
            + $"Bounded diagnostics {diagnostics.Length} ({string.Join(", ", diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key + " " + g.Count()))}), "
            + $"analyzer exceptions {exceptions.Count}");
        foreach (var exception in exceptions.Distinct().Take(10))
        {
            Console.WriteLine("  exception: " + exception);
        }

        return exceptions.Count == 0 ? 0 : 1;
    }

    private static void Print(string title, CostSummary summary)
    {
        var first = summary.Samples[0];
        Console.WriteLine($"== {title}: {summary.Lines:N0} lines in {summary.Files:N0} files, {summary.Samples.Count} measured iterations ==");
        Console.WriteLine($"compiler errors {first.CompilerErrors}, Bounded diagnostics {first.BoundedDiagnostics} ({string.Join(", ", first.DiagnosticsById.Select(p => p.Key + " " + p.Value))}), analyzer exceptions {summary.Samples.Sum(s => s.AnalyzerExceptions.Count)}");
        foreach (var exception in summary.Samples.SelectMany(s => s.AnalyzerExceptions).Distinct().Take(5))
        {
            Console.WriteLine("  exception: " + exception);
        }

        Console.WriteLine($"{"",-52} {"median ms",10} {"min ms",9} {"max ms",9} {"ratio",8} {"min",8} {"max",8}");
        Console.WriteLine(Row("compiler GetDiagnostics", summary.CompilerMs, null));
        foreach (var name in summary.AnalyzerNames)
        {
            Console.WriteLine(Row(name, summary.AnalyzerMs(name), summary.Ratio(name)));
        }

        Console.WriteLine(Row("Bounded total (summed callbacks)", summary.TotalAnalyzerMs, summary.TotalRatio));
        var overhead = summary.AnalysisPassOverhead;
        Console.WriteLine($"whole analyzer pass (driver rebinds the code + operation trees + callbacks) adds {Percent(overhead.Median)} of the compiler's time (min {Percent(overhead.Min)}, max {Percent(overhead.Max)})");
        if (summary.HasBaseline)
        {
            var driver = summary.DriverOverhead;
            Console.WriteLine($"  of which the same pass with a do-nothing analyzer adds {Percent(driver.Median)} (min {Percent(driver.Min)}, max {Percent(driver.Max)}): the analyzer driver's cost, paid by any analyzer");
        }

        Console.WriteLine($"allocated: compiler {Megabytes(summary.CompilerAllocatedBytes.Median)}, whole analyzer pass {Megabytes(summary.AnalysisPassAllocatedBytes.Median)}"
            + (summary.HasBaseline
                ? $", Bounded's own (pass minus do-nothing pass) {Megabytes(summary.BoundedAllocatedBytes.Median)} (min {Megabytes(summary.BoundedAllocatedBytes.Min)}, max {Megabytes(summary.BoundedAllocatedBytes.Max)}) = {Percent(summary.BoundedAllocatedBytes.Median / summary.CompilerAllocatedBytes.Median)} of the compiler's"
                : ""));
        Console.WriteLine();
    }

    private static async Task PrintAllocationsAsync(IReadOnlyList<CorpusFile> files, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var byAnalyzer = await AnalyzerCost.AllocatedBytesByAnalyzerAsync(files, references, analyzers, new NoOpAnalyzer());
        Console.WriteLine("allocated by each analyzer alone (its pass minus a do-nothing pass):");
        foreach (var pair in byAnalyzer.OrderByDescending(p => p.Value))
        {
            Console.WriteLine($"  {pair.Key,-52} {Megabytes(pair.Value),10}");
        }

        Console.WriteLine();
    }

    private static bool PrintBudget(CostSummary summary)
    {
        var total = summary.TotalRatio.Median;
        var worst = summary.AnalyzerNames.Select(n => (Name: n, Ratio: summary.Ratio(n).Median)).OrderByDescending(x => x.Ratio).First();
        var ok = total <= TotalBudget && worst.Ratio <= PerAnalyzerBudget;
        Console.WriteLine($"budget at {BudgetSize:N0} lines: total {Percent(total)} (<= {Percent(TotalBudget)}), most expensive {worst.Name} {Percent(worst.Ratio)} (<= {Percent(PerAnalyzerBudget)}): {(ok ? "PASS" : "FAIL")}");
        Console.WriteLine();
        return ok;
    }

    private static void PrintScaling(List<CostSummary> scaling)
    {
        Console.WriteLine("== scaling ==");
        Console.WriteLine($"{"lines",10} {"compiler ms",12} {"Bounded ms",11} {"ratio",8} {"Bounded MB",11}");
        foreach (var s in scaling)
        {
            Console.WriteLine($"{s.Lines,10:N0} {s.CompilerMs.Median,12:N0} {s.TotalAnalyzerMs.Median,11:N1} {Percent(s.TotalRatio.Median),8} {(s.HasBaseline ? Megabytes(s.BoundedAllocatedBytes.Median) : "-"),11}");
        }

        string Exponent(Func<CostSummary, double> y) => AnalyzerCost.FittedExponent(scaling.Select(s => ((double)s.Lines, y(s))).ToList()).ToString("F2", CultureInfo.InvariantCulture);
        Console.WriteLine($"fitted exponent (log-log least squares, time ~ lines^k) on medians: compiler k = {Exponent(s => s.CompilerMs.Median)}, Bounded total k = {Exponent(s => s.TotalAnalyzerMs.Median)}");
        Console.WriteLine($"  on minima (least disturbed by other processes): compiler k = {Exponent(s => s.CompilerMs.Min)}, Bounded total k = {Exponent(s => s.TotalAnalyzerMs.Min)}");
        foreach (var name in scaling[0].AnalyzerNames)
        {
            Console.WriteLine($"  {name}: k = {Exponent(s => Math.Max(s.AnalyzerMs(name).Median, 0.001))}");
        }
    }

    private static string Row(string name, Spread ms, Spread? ratio) =>
        $"{name,-52} {ms.Median,10:N1} {ms.Min,9:N1} {ms.Max,9:N1} "
        + (ratio is { } r ? $"{Percent(r.Median),8} {Percent(r.Min),8} {Percent(r.Max),8}" : "");

    private static string Percent(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string Megabytes(double bytes) => (bytes / (1024 * 1024)).ToString("N1", CultureInfo.InvariantCulture) + " MB";

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}

/// <summary>
/// Registers for invocations and does nothing: the analyzer driver still rebinds the code and builds operation trees,
/// so a pass with it alone measures what any operation analyzer costs before its first line runs.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class NoOpAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Rule = new("NOOP0001", "No-op", "No-op", "Bench", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
    }
}

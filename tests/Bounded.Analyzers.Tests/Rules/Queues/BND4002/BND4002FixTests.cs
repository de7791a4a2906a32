using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Bounded.CodeFixes.Queues;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Queues;

public class BND4002FixTests
{
    private const string Key = UnlimitedParallelismCodeFixProvider.ExplicitLimitKey;

    private static Task Fix(string source, string fixedSource, string? editorConfig = null) =>
        Verify.FixAsync<UnlimitedParallelismAnalyzer, UnlimitedParallelismCodeFixProvider>(source, fixedSource, Key, editorConfig);

    [Fact]
    public Task ParallelForEachGetsTheProcessorCount() => Fix("""
        using System.IO;
        using System.Threading.Tasks;

        class Thumbnails
        {
            public void ResizeAll(string folder)
            {
                Parallel.ForEach(Directory.EnumerateFiles(folder), new ParallelOptions { {|BND4002:MaxDegreeOfParallelism = -1|} }, path => File.Copy(path, path + ".bak"));
            }
        }
        """, """
        using System;
        using System.IO;
        using System.Threading.Tasks;

        class Thumbnails
        {
            public void ResizeAll(string folder)
            {
                Parallel.ForEach(Directory.EnumerateFiles(folder), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, path => File.Copy(path, path + ".bak"));
            }
        }
        """);

    [Fact]
    public Task ConfiguredLimitIsWritten() => Fix("""
        using System.Threading.Tasks.Dataflow;

        class Stage
        {
            public ActionBlock<int> Build() => new ActionBlock<int>(n => { }, new ExecutionDataflowBlockOptions
            {
                {|BND4002:MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded|},
                BoundedCapacity = 100,
            });
        }
        """, """
        using System.Threading.Tasks.Dataflow;

        class Stage
        {
            public ActionBlock<int> Build() => new ActionBlock<int>(n => { }, new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = 8,
                BoundedCapacity = 100,
            });
        }
        """, "bounded.max_concurrency = 8\n");

    [Fact]
    public Task PlinqDegreeIsCapped() => Fix("""
        using System.Collections.Generic;
        using System.Linq;

        class Report
        {
            public int[] Lengths(List<string> lines) => lines.AsParallel().WithDegreeOfParallelism({|BND4002:lines.Count|}).Select(l => l.Length).ToArray();
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        class Report
        {
            public int[] Lengths(List<string> lines) => lines.AsParallel().WithDegreeOfParallelism(Math.Min(lines.Count, Environment.ProcessorCount)).Select(l => l.Length).ToArray();
        }
        """);

    [Fact]
    public Task FixAllSetsEveryLimitInTheDocument() => Fix("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Batches
        {
            public void Run(List<int> items, int[] data)
            {
                var options = new ParallelOptions();
                {|BND4002:options.MaxDegreeOfParallelism = -1|};
                Parallel.ForEach(items, options, item => { });
                Parallel.For(0, data.Length, new ParallelOptions { {|BND4002:MaxDegreeOfParallelism = -1|} }, i => data[i] = i);
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Batches
        {
            public void Run(List<int> items, int[] data)
            {
                var options = new ParallelOptions();
                options.MaxDegreeOfParallelism = Environment.ProcessorCount;
                Parallel.ForEach(items, options, item => { });
                Parallel.For(0, data.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => data[i] = i);
            }
        }
        """);
}

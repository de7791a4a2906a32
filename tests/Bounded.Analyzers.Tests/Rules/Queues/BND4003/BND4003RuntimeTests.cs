using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Bounded.CodeFixes.Queues;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>
/// Runs each BND4003 fix's exact output against the original: the original strands its reader (the wait reaches a
/// timeout that a hang cannot beat however loaded the machine is), the fixed code finishes with every item delivered
/// once and the producer's exception surfaced to the caller.
/// </summary>
public class BND4003RuntimeTests
{
    private const int Items = 1_000;

    /// <summary>Long enough to call a wait a hang: the fixed code finishes these loads in milliseconds.</summary>
    private static readonly TimeSpan Stranded = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(1);

    private const string Summer = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public static class Summer
        {
            public static async Task<long> SumAsync(IAsyncEnumerable<int> source)
            {
                var channel = Channel.CreateBounded<int>(32);
                var producer = Task.Run(async () =>
                {
                    await foreach (var value in source)
                    {
                        await channel.Writer.WriteAsync(value);
                    }

                    channel.Writer.Complete();
                });

                long sum = 0;
                await foreach (var value in channel.Reader.ReadAllAsync())
                {
                    sum += value;
                }

                await producer;
                return sum;
            }

            public static async IAsyncEnumerable<int> Values(int count, bool failAtEnd)
            {
                for (var i = 1; i <= count; i++)
                {
                    await Task.Yield();
                    yield return i;
                }

                if (failAtEnd)
                {
                    throw new InvalidOperationException("source failed");
                }
            }
        }
        """;

    [Fact]
    public async Task ProducerFailureHangsTheOriginalAndReachesTheReaderWhenFixed()
    {
        var fixedSource = await FixAsync(Summer);
        Assert.Contains("catch (Exception exception)", fixedSource);

        using var original = InMemoryAssembly.Compile(Summer);
        var hanging = Sum(original, failAtEnd: true);
        Assert.False(await Finishes(hanging, Stranded), "the original should wait forever for a completion the exception skipped");

        using var repaired = InMemoryAssembly.Compile(fixedSource);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Sum(repaired, failAtEnd: true).WaitAsync(Generous));
        Assert.Equal("source failed", failure.Message);
        Assert.Equal(Items * (Items + 1L) / 2, await Sum(repaired, failAtEnd: false).WaitAsync(Generous));
    }

    private static Task<long> Sum(InMemoryAssembly assembly, bool failAtEnd)
    {
        var type = assembly.GetType("Summer");
        var values = type.GetMethod("Values")!.Invoke(null, new object[] { Items, failAtEnd })!;
        return (Task<long>)type.GetMethod("SumAsync")!.Invoke(null, new[] { values })!;
    }

    private const string Importer = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public class Importer
        {
            public ConcurrentDictionary<int, int> Seen { get; } = new();

            public async Task<int> ImportAsync(IEnumerable<int> rows)
            {
                var channel = Channel.CreateBounded<int>(100);
                var consumer = Task.Run(async () =>
                {
                    var count = 0;
                    await foreach (var row in channel.Reader.ReadAllAsync())
                    {
                        Seen.AddOrUpdate(row, 1, (_, n) => n + 1);
                        count++;
                    }

                    return count;
                });

                foreach (var row in rows)
                {
                    await channel.Writer.WriteAsync(row);
                }

                return await consumer;
            }
        }
        """;

    [Fact]
    public async Task NeverCompletedChannelHangsTheOriginalAndDeliversEveryRowOnceWhenFixed()
    {
        var fixedSource = await FixAsync(Importer);

        using var original = InMemoryAssembly.Compile(Importer);
        var (_, hanging) = Import(original);
        Assert.False(await Finishes(hanging, Stranded));

        using var repaired = InMemoryAssembly.Compile(fixedSource);
        var (importer, import) = Import(repaired);
        Assert.Equal(Items, await import.WaitAsync(Generous));
        var seen = (IDictionary<int, int>)importer.GetType().GetProperty("Seen")!.GetValue(importer)!;
        Assert.Equal(Enumerable.Range(0, Items), seen.Keys.OrderBy(k => k));
        Assert.All(seen.Values, count => Assert.Equal(1, count));
    }

    private static (object Importer, Task<int> Import) Import(InMemoryAssembly assembly)
    {
        var importer = Activator.CreateInstance(assembly.GetType("Importer"))!;
        var import = (Task<int>)importer.GetType().GetMethod("ImportAsync")!.Invoke(importer, new object[] { Enumerable.Range(0, Items) })!;
        return (importer, import);
    }

    private const string Uploader = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Uploader
        {
            public List<string> Uploaded { get; } = new();

            public Task Consumer { get; private set; } = Task.CompletedTask;

            public void Upload(IEnumerable<string> texts)
            {
                var queue = new BlockingCollection<string>();
                var uploader = Task.Run(() =>
                {
                    foreach (var text in queue.GetConsumingEnumerable())
                    {
                        Uploaded.Add(text);
                    }
                });
                Consumer = uploader;

                foreach (var text in texts)
                {
                    queue.Add(text.ToUpperInvariant());
                }

                queue.CompleteAdding();
                uploader.Wait();
            }

            public static IEnumerable<string> Texts(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    yield return "t" + i;
                }

                throw new InvalidOperationException("disk gone");
            }
        }
        """;

    [Fact]
    public async Task BlockingCollectionConsumerIsStrandedByTheOriginalAndEndsWhenFixed()
    {
        var fixedSource = await FixAsync(Uploader);
        Assert.Contains("finally", fixedSource);
        Assert.Contains("queue.CompleteAdding();", fixedSource);

        foreach (var (source, strands) in new[] { (Uploader, true), (fixedSource, false) })
        {
            using var assembly = InMemoryAssembly.Compile(source);
            var type = assembly.GetType("Uploader");
            var uploader = Activator.CreateInstance(type)!;
            var texts = type.GetMethod("Texts")!.Invoke(null, new object[] { Items })!;
            var failure = Assert.Throws<System.Reflection.TargetInvocationException>(() => type.GetMethod("Upload")!.Invoke(uploader, new[] { texts }));
            Assert.Equal("disk gone", failure.InnerException!.Message);

            var consumer = (Task)type.GetProperty("Consumer")!.GetValue(uploader)!;
            Assert.Equal(!strands, await Finishes(consumer, strands ? Stranded : Generous));
            var uploaded = (List<string>)type.GetProperty("Uploaded")!.GetValue(uploader)!;
            if (!strands)
            {
                Assert.Equal(Enumerable.Range(0, Items).Select(i => "T" + i), uploaded);
            }
        }
    }

    private const string Mailer = """
        using System.Collections.Concurrent;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public class Mailer
        {
            private readonly Channel<int> _mails = Channel.CreateUnbounded<int>();
            private Task _pump = Task.CompletedTask;

            public ConcurrentBag<int> Sent { get; } = new();

            public void Start() => _pump = Task.Run(PumpAsync);

            public void Send(int mail) => _mails.Writer.TryWrite(mail);

            private async Task PumpAsync()
            {
                await foreach (var mail in _mails.Reader.ReadAllAsync())
                {
                    await Task.Yield();
                    Sent.Add(mail);
                }
            }

            public async ValueTask DisposeAsync()
            {
                await _pump;
                _mails.Writer.Complete();
            }
        }
        """;

    [Fact]
    public async Task DisposeThatAwaitsThePumpFirstHangsAndFinishesWhenFixed()
    {
        var fixedSource = await FixAsync(Mailer);
        await RunServiceAsync(Mailer, "Mailer", "Send", "DisposeAsync", "Sent", strands: true);
        await RunServiceAsync(fixedSource, "Mailer", "Send", "DisposeAsync", "Sent", strands: false);
    }

    private const string Worker = """
        using System.Collections.Concurrent;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public class Worker
        {
            private readonly Channel<int> _work = Channel.CreateUnbounded<int>();
            private Task? _loop;

            public ConcurrentBag<int> Done { get; } = new();

            public void Start() => _loop = Task.Run(async () =>
            {
                await foreach (var item in _work.Reader.ReadAllAsync())
                {
                    await Task.Yield();
                    Done.Add(item);
                }
            });

            public bool Submit(int item) => _work.Writer.TryWrite(item);

            public async Task ShutdownAsync()
            {
                if (_loop != null)
                {
                    await _loop;
                }
            }
        }
        """;

    [Fact]
    public async Task ShutdownOfAChannelNothingCompletesHangsAndFinishesWhenFixed()
    {
        var fixedSource = await FixAsync(Worker);
        Assert.Contains("_work.Writer.TryComplete();", fixedSource);
        await RunServiceAsync(Worker, "Worker", "Submit", "ShutdownAsync", "Done", strands: true);
        await RunServiceAsync(fixedSource, "Worker", "Submit", "ShutdownAsync", "Done", strands: false);
    }

    private static async Task RunServiceAsync(string source, string typeName, string send, string stop, string done, bool strands)
    {
        using var assembly = InMemoryAssembly.Compile(source);
        var type = assembly.GetType(typeName);
        var service = Activator.CreateInstance(type)!;
        type.GetMethod("Start")!.Invoke(service, null);
        for (var i = 0; i < Items; i++)
        {
            type.GetMethod(send)!.Invoke(service, new object[] { i });
        }

        var stopping = type.GetMethod(stop)!.Invoke(service, null) switch
        {
            ValueTask valueTask => valueTask.AsTask(),
            Task task => task,
            _ => throw new InvalidOperationException(),
        };
        Assert.Equal(!strands, await Finishes(stopping, strands ? Stranded : Generous));
        if (!strands)
        {
            var delivered = ((IEnumerable<int>)type.GetProperty(done)!.GetValue(service)!).OrderBy(i => i);
            Assert.Equal(Enumerable.Range(0, Items), delivered);
        }
    }

    private const string Thumbnails = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        public class Thumbnails
        {
            public ConcurrentBag<string> Saved { get; } = new();

            public async Task RunAsync(IEnumerable<string> paths)
            {
                var resize = new TransformBlock<string, string>(path => path.ToUpperInvariant());
                var save = new ActionBlock<string>(path => Saved.Add(path));
                resize.LinkTo(save);
                foreach (var path in paths)
                {
                    resize.Post(path);
                }

                resize.Complete();
                await save.Completion;
            }
        }
        """;

    [Fact]
    public async Task DataflowLinkWithoutPropagationHangsAndFinishesWhenFixed()
    {
        var fixedSource = await FixAsync(Thumbnails);
        Assert.Contains("PropagateCompletion = true", fixedSource);
        var paths = Enumerable.Range(0, Items).Select(i => "p" + i).ToList();
        foreach (var (source, strands) in new[] { (Thumbnails, true), (fixedSource, false) })
        {
            using var assembly = InMemoryAssembly.Compile(source);
            var type = assembly.GetType("Thumbnails");
            var thumbnails = Activator.CreateInstance(type)!;
            var run = (Task)type.GetMethod("RunAsync")!.Invoke(thumbnails, new object[] { paths })!;
            Assert.Equal(!strands, await Finishes(run, strands ? Stranded : Generous));
            if (!strands)
            {
                var saved = (IEnumerable<string>)type.GetProperty("Saved")!.GetValue(thumbnails)!;
                Assert.Equal(paths.Select(p => p.ToUpperInvariant()).OrderBy(p => p), saved.OrderBy(p => p));
            }
        }
    }

    private static Task<string> FixAsync(string source) =>
        AppliedFix.ApplyAsync<UncompletedChannelAnalyzer, UncompletedChannelCodeFixProvider>(source, RuleIds.UncompletedChannel, UncompletedChannelCodeFixProvider.CompleteKey);

    /// <summary>Whether the task finishes (in any state) within <paramref name="limit"/>.</summary>
    private static async Task<bool> Finishes(Task task, TimeSpan limit)
    {
        var winner = await Task.WhenAny(task, Task.Delay(limit));
        if (winner == task)
        {
            try
            {
                await task;
            }
            catch (Exception)
            {
                // faulted counts as finished: the caller asserts the exception where it matters
            }

            return true;
        }

        return false;
    }
}

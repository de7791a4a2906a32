using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Bounded.CodeFixes.Queues;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Queues;

public class BND4001FixTests
{
    private const string Key = UnboundedQueueCodeFixProvider.BoundedKey;

    private static Task Fix(string source, string fixedSource, string? editorConfig = null) =>
        Verify.FixAsync<UnboundedQueueAnalyzer, UnboundedQueueCodeFixProvider>(source, fixedSource, Key, editorConfig);

    private static Task NoFix(string source) => Verify.NoFixAsync<UnboundedQueueAnalyzer, UnboundedQueueCodeFixProvider>(source);

    /// <summary>The producer/consumer the runtime test compiles and runs after the fix (<see cref="BND4001RuntimeTests"/>).</summary>
    public const string ProducerConsumer = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public sealed class EventPump
        {
            private readonly Channel<int> _events = {|BND4001:Channel.CreateUnbounded<int>|}(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

            public async Task ProduceAsync(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    _events.Writer.TryWrite(i);
                    if (i % 1000 == 0)
                    {
                        await Task.Yield();
                    }
                }

                _events.Writer.Complete();
            }

            public async Task<List<int>> ConsumeAsync(CancellationToken cancellationToken)
            {
                var received = new List<int>();
                await foreach (var item in _events.Reader.ReadAllAsync(cancellationToken))
                {
                    received.Add(item);
                    if (received.Count % 4096 == 0)
                    {
                        await Task.Delay(1, cancellationToken);
                    }
                }

                return received;
            }
        }
        """;

    public const string ProducerConsumerFixed = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public sealed class EventPump
        {
            private const int EventsCapacity = 1024;
            private readonly Channel<int> _events = Channel.CreateBounded<int>(new BoundedChannelOptions(EventsCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

            public async Task ProduceAsync(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    await _events.Writer.WriteAsync(i);
                    if (i % 1000 == 0)
                    {
                        await Task.Yield();
                    }
                }

                _events.Writer.Complete();
            }

            public async Task<List<int>> ConsumeAsync(CancellationToken cancellationToken)
            {
                var received = new List<int>();
                await foreach (var item in _events.Reader.ReadAllAsync(cancellationToken))
                {
                    received.Add(item);
                    if (received.Count % 4096 == 0)
                    {
                        await Task.Delay(1, cancellationToken);
                    }
                }

                return received;
            }
        }
        """;

    /// <summary>A dataflow pipeline the runtime test runs after the fix: Post into a buffer linked to a worker.</summary>
    public const string Pipeline = """
        using System.Collections.Concurrent;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        public sealed class Collector
        {
            private readonly ConcurrentDictionary<int, int> _seen = new ConcurrentDictionary<int, int>();
            private readonly BufferBlock<int> _inbox = new {|BND4001:BufferBlock<int>|}();
            private readonly ActionBlock<int> _worker;

            public Collector()
            {
                _worker = new {|BND4001:ActionBlock<int>|}(async n =>
                {
                    _seen.AddOrUpdate(n, 1, (_, count) => count + 1);
                    if (n % 4096 == 0)
                    {
                        await Task.Delay(1);
                    }
                });
                _inbox.LinkTo(_worker, new DataflowLinkOptions { PropagateCompletion = true });
            }

            public ConcurrentDictionary<int, int> Seen => _seen;

            public async Task ProduceAsync(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    _inbox.Post(i);
                    if (i % 1000 == 0)
                    {
                        await Task.Yield();
                    }
                }

                _inbox.Complete();
                await _worker.Completion;
            }
        }
        """;

    public const string PipelineFixed = """
        using System.Collections.Concurrent;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        public sealed class Collector
        {
            private readonly ConcurrentDictionary<int, int> _seen = new ConcurrentDictionary<int, int>();
            private const int InboxCapacity = 1024;
            private readonly BufferBlock<int> _inbox = new BufferBlock<int>(new DataflowBlockOptions { BoundedCapacity = InboxCapacity });
            private readonly ActionBlock<int> _worker;

            public Collector()
            {
                const int workerCapacity = 1024;
                _worker = new ActionBlock<int>(async n =>
                {
                    _seen.AddOrUpdate(n, 1, (_, count) => count + 1);
                    if (n % 4096 == 0)
                    {
                        await Task.Delay(1);
                    }
                }, new ExecutionDataflowBlockOptions { BoundedCapacity = workerCapacity });
                _inbox.LinkTo(_worker, new DataflowLinkOptions { PropagateCompletion = true });
            }

            public ConcurrentDictionary<int, int> Seen => _seen;

            public async Task ProduceAsync(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    await _inbox.SendAsync(i);
                    if (i % 1000 == 0)
                    {
                        await Task.Yield();
                    }
                }

                _inbox.Complete();
                await _worker.Completion;
            }
        }
        """;

    [Fact]
    public Task DataflowPipelineIsBoundedAndPostBecomesSendAsync() => Fix(Pipeline, PipelineFixed);

    /// <summary>A producer thread and a consumer thread over a BlockingCollection; the runtime test runs the fixed form.</summary>
    public const string Handoff = """
        using System.Collections.Generic;
        using System.Collections.Concurrent;
        using System.Threading;

        public sealed class Handoff
        {
            private readonly BlockingCollection<int> _items = new {|BND4001:BlockingCollection<int>|}(new ConcurrentQueue<int>());

            public void Produce(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    _items.TryAdd(i);
                }

                _items.CompleteAdding();
            }

            public List<int> Consume()
            {
                var received = new List<int>();
                foreach (var item in _items.GetConsumingEnumerable())
                {
                    received.Add(item);
                    if (received.Count % 4096 == 0)
                    {
                        Thread.Sleep(1);
                    }
                }

                return received;
            }
        }
        """;

    public const string HandoffFixed = """
        using System.Collections.Generic;
        using System.Collections.Concurrent;
        using System.Threading;

        public sealed class Handoff
        {
            private const int ItemsCapacity = 1024;
            private readonly BlockingCollection<int> _items = new BlockingCollection<int>(new ConcurrentQueue<int>(), ItemsCapacity);

            public void Produce(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    _items.Add(i);
                }

                _items.CompleteAdding();
            }

            public List<int> Consume()
            {
                var received = new List<int>();
                foreach (var item in _items.GetConsumingEnumerable())
                {
                    received.Add(item);
                    if (received.Count % 4096 == 0)
                    {
                        Thread.Sleep(1);
                    }
                }

                return received;
            }
        }
        """;

    [Fact]
    public Task BlockingCollectionHandoffIsBounded() => Fix(Handoff, HandoffFixed);

    [Fact]
    public Task ChannelFieldAndItsTryWriteAreRewritten() => Fix(ProducerConsumer, ProducerConsumerFixed);

    [Fact]
    public Task LocalChannelGetsALocalConstantAndKeepsItsOptions() => Fix("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Importer
        {
            public async Task ImportAsync(IEnumerable<string> lines, CancellationToken cancellationToken)
            {
                var channel = {|BND4001:Channel.CreateUnbounded<string>|}(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
                var consumer = Task.Run(async () =>
                {
                    await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
                    {
                        await Task.Delay(1, cancellationToken);
                    }
                });

                foreach (var line in lines)
                {
                    await channel.Writer.WriteAsync(line, cancellationToken);
                }

                channel.Writer.Complete();
                await consumer;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Importer
        {
            public async Task ImportAsync(IEnumerable<string> lines, CancellationToken cancellationToken)
            {
                const int channelCapacity = 1024;
                var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(channelCapacity) { SingleReader = true, AllowSynchronousContinuations = false, FullMode = BoundedChannelFullMode.Wait });
                var consumer = Task.Run(async () =>
                {
                    await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
                    {
                        await Task.Delay(1, cancellationToken);
                    }
                });

                foreach (var line in lines)
                {
                    await channel.Writer.WriteAsync(line, cancellationToken);
                }

                channel.Writer.Complete();
                await consumer;
            }
        }
        """);

    [Fact]
    public Task TryWriteThroughAWriterLocalIsRewritten() => Fix("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using System.Threading.Channels;

        class Resizer
        {
            public async Task ResizeAllAsync(IEnumerable<string> paths)
            {
                var work = {|BND4001:Channel.CreateUnbounded<string>|}();
                var writer = work.Writer;
                var consumer = Task.Run(async () =>
                {
                    await foreach (var path in work.Reader.ReadAllAsync())
                    {
                        await Task.Delay(path.Length);
                    }
                });

                foreach (var path in paths)
                {
                    writer.TryWrite(path);
                }

                writer.Complete();
                await consumer;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using System.Threading.Channels;

        class Resizer
        {
            public async Task ResizeAllAsync(IEnumerable<string> paths)
            {
                const int workCapacity = 1024;
                var work = Channel.CreateBounded<string>(new BoundedChannelOptions(workCapacity) { FullMode = BoundedChannelFullMode.Wait });
                var writer = work.Writer;
                var consumer = Task.Run(async () =>
                {
                    await foreach (var path in work.Reader.ReadAllAsync())
                    {
                        await Task.Delay(path.Length);
                    }
                });

                foreach (var path in paths)
                {
                    await writer.WriteAsync(path);
                }

                writer.Complete();
                await consumer;
            }
        }
        """);

    [Fact]
    public Task NoFixWhenAWriterLocalIsPassedOn() => NoFix("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Relay
        {
            public async Task RunAsync()
            {
                var work = {|BND4001:Channel.CreateUnbounded<string>|}();
                var writer = work.Writer;
                var consumer = Task.Run(async () =>
                {
                    await foreach (var item in work.Reader.ReadAllAsync())
                    {
                    }
                });
                Produce(writer);
                await consumer;
            }

            private static void Produce(ChannelWriter<string> writer) => writer.TryWrite("x");
        }
        """);

    [Fact]
    public Task CommentsAndBlankLinesStayWithTheQueue() => Fix("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Notifier
        {
            private readonly object _sync = new object();

            /// <summary>Notifications waiting to be sent.</summary>
            private readonly Channel<string> _pending = {|BND4001:Channel.CreateUnbounded<string>|}();

            public async Task NotifyAsync(string text)
            {
                // queue it; the sender loop drains it
                _pending.Writer.TryWrite(text);
                await Task.Yield();
            }

            public async Task SendLoopAsync()
            {
                await foreach (var text in _pending.Reader.ReadAllAsync())
                {
                    await Task.Delay(text.Length);
                }
            }
        }
        """, """
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Notifier
        {
            private readonly object _sync = new object();
            private const int PendingCapacity = 1024;

            /// <summary>Notifications waiting to be sent.</summary>
            private readonly Channel<string> _pending = Channel.CreateBounded<string>(new BoundedChannelOptions(PendingCapacity) { FullMode = BoundedChannelFullMode.Wait });

            public async Task NotifyAsync(string text)
            {
                // queue it; the sender loop drains it
                await _pending.Writer.WriteAsync(text);
                await Task.Yield();
            }

            public async Task SendLoopAsync()
            {
                await foreach (var text in _pending.Reader.ReadAllAsync())
                {
                    await Task.Delay(text.Length);
                }
            }
        }
        """);

    [Fact]
    public Task CapacityComesFromTheOption() => Fix("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Mailbox
        {
            private readonly Channel<string> _messages = {|BND4001:Channel.CreateUnbounded<string>|}();

            public async Task SendAsync(string message)
            {
                _ = _messages.Writer.TryWrite(message);
                await Task.CompletedTask;
            }

            public ValueTask<string> ReceiveAsync() => _messages.Reader.ReadAsync();
        }
        """, """
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Mailbox
        {
            private const int MessagesCapacity = 256;
            private readonly Channel<string> _messages = Channel.CreateBounded<string>(new BoundedChannelOptions(MessagesCapacity) { FullMode = BoundedChannelFullMode.Wait });

            public async Task SendAsync(string message)
            {
                await _messages.Writer.WriteAsync(message);
                await Task.CompletedTask;
            }

            public ValueTask<string> ReceiveAsync() => _messages.Reader.ReadAsync();
        }
        """, "bounded.queue_capacity = 256\n");

    [Fact]
    public Task BlockingCollectionTryAddBecomesAdd() => Fix("""
        using System.Collections.Concurrent;
        using System.IO;

        class Scanner
        {
            private readonly BlockingCollection<string> _paths = new {|BND4001:BlockingCollection<string>|}(new ConcurrentQueue<string>());

            public void Scan(string root)
            {
                foreach (var path in Directory.EnumerateFiles(root))
                {
                    _paths.TryAdd(path);
                }

                _paths.CompleteAdding();
            }

            public int Count()
            {
                var count = 0;
                foreach (var _ in _paths.GetConsumingEnumerable())
                {
                    count++;
                }

                return count;
            }
        }
        """, """
        using System.Collections.Concurrent;
        using System.IO;

        class Scanner
        {
            private const int PathsCapacity = 1024;
            private readonly BlockingCollection<string> _paths = new BlockingCollection<string>(new ConcurrentQueue<string>(), PathsCapacity);

            public void Scan(string root)
            {
                foreach (var path in Directory.EnumerateFiles(root))
                {
                    _paths.Add(path);
                }

                _paths.CompleteAdding();
            }

            public int Count()
            {
                var count = 0;
                foreach (var _ in _paths.GetConsumingEnumerable())
                {
                    count++;
                }

                return count;
            }
        }
        """);

    [Fact]
    public Task ActionBlockGetsOptionsAndPostBecomesSendAsync() => Fix("""
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Downloader
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task DownloadAllAsync(IEnumerable<string> urls)
            {
                var download = new {|BND4001:ActionBlock<string>|}(async url => await _http.GetStringAsync(url));
                foreach (var url in urls)
                {
                    download.Post(url);
                }

                download.Complete();
                await download.Completion;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Downloader
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task DownloadAllAsync(IEnumerable<string> urls)
            {
                const int downloadCapacity = 1024;
                var download = new ActionBlock<string>(async url => await _http.GetStringAsync(url), new ExecutionDataflowBlockOptions { BoundedCapacity = downloadCapacity });
                foreach (var url in urls)
                {
                    await download.SendAsync(url);
                }

                download.Complete();
                await download.Completion;
            }
        }
        """);

    [Fact]
    public Task DataflowOptionsInPlaceGainACapacity() => Fix("""
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Worker
        {
            private readonly ActionBlock<int> _worker = new {|BND4001:ActionBlock<int>|}(n => Task.Delay(n), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 4 });
            private readonly BufferBlock<int> _inbox = new {|BND4001:BufferBlock<int>|}(new DataflowBlockOptions { BoundedCapacity = DataflowBlockOptions.Unbounded });

            public Worker() => _inbox.LinkTo(_worker);

            public Task EnqueueAsync(int n) => _inbox.SendAsync(n);
        }
        """, """
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Worker
        {
            private const int WorkerCapacity = 1024;
            private readonly ActionBlock<int> _worker = new ActionBlock<int>(n => Task.Delay(n), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 4, BoundedCapacity = WorkerCapacity });
            private const int InboxCapacity = 1024;
            private readonly BufferBlock<int> _inbox = new BufferBlock<int>(new DataflowBlockOptions { BoundedCapacity = InboxCapacity });

            public Worker() => _inbox.LinkTo(_worker);

            public Task EnqueueAsync(int n) => _inbox.SendAsync(n);
        }
        """);

    [Fact]
    public Task FixAllBoundsEveryQueueInTheDocument() => Fix("""
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Hub
        {
            private readonly Channel<string> _inbound = {|BND4001:Channel.CreateUnbounded<string>|}();
            private readonly Channel<string> _outbound = {|BND4001:Channel.CreateUnbounded<string>|}(new UnboundedChannelOptions { SingleWriter = true });

            public async Task ReceiveAsync(string message) => await _inbound.Writer.WriteAsync(message);

            public async Task SendAsync(string message)
            {
                _outbound.Writer.TryWrite(message);
                await Task.Yield();
            }

            public IAsyncEnumerable<string> Inbound() => _inbound.Reader.ReadAllAsync();

            public IAsyncEnumerable<string> Outbound() => _outbound.Reader.ReadAllAsync();
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Hub
        {
            private const int InboundCapacity = 1024;
            private readonly Channel<string> _inbound = Channel.CreateBounded<string>(new BoundedChannelOptions(InboundCapacity) { FullMode = BoundedChannelFullMode.Wait });
            private const int OutboundCapacity = 1024;
            private readonly Channel<string> _outbound = Channel.CreateBounded<string>(new BoundedChannelOptions(OutboundCapacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

            public async Task ReceiveAsync(string message) => await _inbound.Writer.WriteAsync(message);

            public async Task SendAsync(string message)
            {
                await _outbound.Writer.WriteAsync(message);
                await Task.Yield();
            }

            public IAsyncEnumerable<string> Inbound() => _inbound.Reader.ReadAllAsync();

            public IAsyncEnumerable<string> Outbound() => _outbound.Reader.ReadAllAsync();
        }
        """);

    // ---- withheld ----

    [Fact]
    public Task NoFixWhenTryWriteRunsInASyncMethod() => NoFix("""
        using System.Threading.Channels;

        class Telemetry
        {
            private readonly Channel<string> _events = {|BND4001:Channel.CreateUnbounded<string>|}();

            public void Track(string name) => _events.Writer.TryWrite(name);
        }
        """);

    [Fact]
    public Task NoFixWhenTryWriteIsInASyncStatementMethod() => NoFix("""
        using System.Threading.Channels;

        class Telemetry
        {
            private readonly Channel<string> _events = {|BND4001:Channel.CreateUnbounded<string>|}();

            public void Track(string name)
            {
                _events.Writer.TryWrite(name);
            }
        }
        """);

    [Fact]
    public Task NoFixWhenTheWriterEscapes() => NoFix("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Pump
        {
            private readonly Channel<int> _items = {|BND4001:Channel.CreateUnbounded<int>|}();

            public ChannelWriter<int> Writer => _items.Writer;

            public async Task<int> ReadAsync() => await _items.Reader.ReadAsync();
        }
        """);

    [Fact]
    public Task NoFixWhenTheTryWriteResultIsUsed() => NoFix("""
        using System;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Pump
        {
            private readonly Channel<int> _items = {|BND4001:Channel.CreateUnbounded<int>|}();

            public async Task PushAsync(int item)
            {
                if (!_items.Writer.TryWrite(item))
                {
                    Console.WriteLine("dropped " + item);
                }

                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task NoFixForANonPrivateField() => NoFix("""
        using System.Threading.Channels;

        public class Pump
        {
            public readonly Channel<int> Items = {|BND4001:Channel.CreateUnbounded<int>|}();
        }
        """);

    [Fact]
    public Task NoFixForABlockingCollectionWithAnInitializer() => NoFix("""
        using System.Collections.Concurrent;

        class Seeds
        {
            private readonly BlockingCollection<int> _seeds = new {|BND4001:BlockingCollection<int>|} { 1, 2, 3 };

            public int Next() => _seeds.Take();
        }
        """);

    [Fact]
    public Task NoFixWhenTheChannelIsReturned() => NoFix("""
        using System.Threading.Channels;

        static class Queues
        {
            public static Channel<int> Create() => {|BND4001:Channel.CreateUnbounded<int>|}();
        }
        """);

    [Fact]
    public Task NoFixWhenTheQueueIsFilledBeforeItIsDrained() => NoFix("""
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Batch
        {
            public async Task<int> SumAsync(IEnumerable<int> values)
            {
                var channel = {|BND4001:Channel.CreateUnbounded<int>|}();
                foreach (var value in values)
                {
                    channel.Writer.TryWrite(value);
                }

                channel.Writer.Complete();
                var sum = 0;
                await foreach (var value in channel.Reader.ReadAllAsync())
                {
                    sum += value;
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task NoFixWhenABlockingCollectionIsFilledBeforeItIsDrained() => NoFix("""
        using System.Collections.Concurrent;
        using System.Collections.Generic;

        class Batch
        {
            public int Count(IEnumerable<string> lines)
            {
                var queue = new {|BND4001:BlockingCollection<string>|}();
                foreach (var line in lines)
                {
                    queue.Add(line);
                }

                queue.CompleteAdding();
                var count = 0;
                foreach (var _ in queue.GetConsumingEnumerable())
                {
                    count++;
                }

                return count;
            }
        }
        """);

    [Fact]
    public Task NoFixWhenNothingReadsTheQueue() => NoFix("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Sink
        {
            private readonly Channel<int> _items = {|BND4001:Channel.CreateUnbounded<int>|}();

            public async Task PushAsync(int item) => await _items.Writer.WriteAsync(item);
        }
        """);

    [Fact]
    public Task NoFixForASourceBlockLinkedWithAFilter() => NoFix("""
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Router
        {
            private readonly TransformBlock<int, int> _double = new {|BND4001:TransformBlock<int, int>|}(n => n * 2);
            private readonly ActionBlock<int> _even = new ActionBlock<int>(n => { }, new ExecutionDataflowBlockOptions { BoundedCapacity = 10 });

            public Router() => _double.LinkTo(_even, n => n % 4 == 0);

            public Task<bool> PushAsync(int n) => _double.SendAsync(n);
        }
        """);

    [Fact]
    public Task NoFixWhenPostIsInALock() => NoFix("""
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Gate
        {
            private readonly object _sync = new object();
            private readonly BufferBlock<int> _inbox = new {|BND4001:BufferBlock<int>|}();

            public async Task PushAsync(int item)
            {
                lock (_sync)
                {
                    _inbox.Post(item);
                }

                await Task.Yield();
            }
        }
        """);
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Channels;
using System.Threading.Tasks;
using System.Threading.Tasks.Dataflow;

namespace Showcase;

/// <summary>BND4001 (off by default; on here through .editorconfig, Warning with BoundedAnalysisMode=strict) and BND4002 (Warning), each next to a correct look-alike.</summary>
public static class Queues
{
    public static async Task RunAsync()
    {
        var lines = Enumerable.Range(0, 100).Select(i => "line " + i).ToList();
        Console.WriteLine("queues: " + await UnboundedChannelAsync(lines) + " " + await BoundedChannelAsync(lines));
        Console.WriteLine("queues: " + UnboundedCollection(lines) + " " + FixedCountOfWrites());
        await UnboundedBlockAsync(lines);
        Console.WriteLine("parallel: " + UnlimitedParallelism(lines) + " " + LimitedParallelism(lines) + " " + UnlimitedPlinq(lines).Length);
        await AsyncLoopAsync(lines);
    }

    // BND4001: an unbounded channel fed by a loop. The fix bounds it and turns TryWrite into await WriteAsync.
    private static async Task<int> UnboundedChannelAsync(IEnumerable<string> lines)
    {
        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var consumer = CountAsync(channel.Reader);
        foreach (var line in lines)
        {
            channel.Writer.TryWrite(line);
        }

        channel.Writer.Complete();
        return await consumer;
    }

    // Correct: a bounded channel, writers wait for room.
    private static async Task<int> BoundedChannelAsync(IEnumerable<string> lines)
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var consumer = CountAsync(channel.Reader);
        foreach (var line in lines)
        {
            await channel.Writer.WriteAsync(line);
        }

        channel.Writer.Complete();
        return await consumer;
    }

    private static async Task<int> CountAsync(ChannelReader<string> reader)
    {
        var count = 0;
        await foreach (var _ in reader.ReadAllAsync())
        {
            count++;
        }

        return count;
    }

    // BND4001: a BlockingCollection without a capacity, filled per item.
    private static int UnboundedCollection(IEnumerable<string> lines)
    {
        using var queue = new BlockingCollection<string>();
        foreach (var line in lines)
        {
            queue.Add(line);
        }

        queue.CompleteAdding();
        return queue.GetConsumingEnumerable().Count();
    }

    // Correct look-alike: a constant number of writes to a local queue is bounded by the code itself.
    private static int FixedCountOfWrites()
    {
        using var queue = new BlockingCollection<string>();
        queue.Add("start");
        queue.Add("stop");
        queue.CompleteAdding();
        return queue.GetConsumingEnumerable().Count();
    }

    // BND4001: an ActionBlock without BoundedCapacity; BND4002: unbounded parallelism on the same block.
    private static async Task UnboundedBlockAsync(IEnumerable<string> lines)
    {
        var block = new ActionBlock<string>(line => Task.Delay(line.Length % 3), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded });
        foreach (var line in lines)
        {
            await block.SendAsync(line);
        }

        block.Complete();
        await block.Completion;
    }

    // BND4002: -1 means "no limit" for the synchronous Parallel methods.
    private static int UnlimitedParallelism(List<string> lines)
    {
        var total = 0;
        Parallel.ForEach(lines, new ParallelOptions { MaxDegreeOfParallelism = -1 }, line => System.Threading.Interlocked.Add(ref total, line.Length));
        return total;
    }

    // Correct: an explicit limit.
    private static int LimitedParallelism(List<string> lines)
    {
        var total = 0;
        Parallel.ForEach(lines, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, line => System.Threading.Interlocked.Add(ref total, line.Length));
        return total;
    }

    // BND4002: one PLINQ worker per item.
    private static int[] UnlimitedPlinq(List<string> lines) => lines.AsParallel().WithDegreeOfParallelism(lines.Count).Select(l => l.Length).ToArray();

    // Correct look-alike: Parallel.ForEachAsync treats -1 as the processor count.
    private static Task AsyncLoopAsync(List<string> lines) =>
        Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = -1 }, async (line, ct) => await Task.Delay(line.Length % 2, ct));
}

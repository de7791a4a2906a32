using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>
/// Runs the exact output of the BND4001 fix (<see cref="BND4001FixTests.ProducerConsumerFixed"/>,
/// <see cref="BND4001FixTests.PipelineFixed"/> and <see cref="BND4001FixTests.HandoffFixed"/>, which the fix tests check character for character) with 100,000 items and a
/// slow consumer: every item must arrive exactly once.
/// </summary>
public class BND4001RuntimeTests
{
    private const int ItemCount = 100_000;

    [Fact]
    public async Task FixedChannelDeliversEveryItemExactlyOnce()
    {
        var received = await RunAsync(BND4001FixTests.ProducerConsumerFixed);

        Assert.Equal(ItemCount, received.Count);
        Assert.Equal(Enumerable.Range(0, ItemCount), received.OrderBy(x => x));
        Assert.Equal(ItemCount, received.Distinct().Count());
    }

    /// <summary>The check above can fail: bounding the channel but keeping TryWrite (what the fix refuses to do) loses items.</summary>
    [Fact]
    public async Task BoundingWithoutRewritingTryWriteLosesItems()
    {
        const string waiting = "await _events.Writer.WriteAsync(i);";
        Assert.Contains(waiting, BND4001FixTests.ProducerConsumerFixed);
        var naive = BND4001FixTests.ProducerConsumerFixed.Replace(waiting, "_events.Writer.TryWrite(i);");

        var received = await RunAsync(naive);

        Assert.True(received.Count < ItemCount, $"expected lost items, got all {received.Count}");
    }

    [Fact]
    public async Task FixedDataflowPipelineDeliversEveryItemExactlyOnce()
    {
        var seen = await RunPipelineAsync(BND4001FixTests.PipelineFixed);

        Assert.Equal(ItemCount, seen.Count);
        Assert.All(Enumerable.Range(0, ItemCount), i => Assert.Equal(1, seen.TryGetValue(i, out var count) ? count : 0));
    }

    /// <summary>Bounding the blocks but keeping Post (what the fix refuses to do) loses items.</summary>
    [Fact]
    public async Task BoundingBlocksWithoutRewritingPostLosesItems()
    {
        const string waiting = "await _inbox.SendAsync(i);";
        Assert.Contains(waiting, BND4001FixTests.PipelineFixed);

        var seen = await RunPipelineAsync(BND4001FixTests.PipelineFixed.Replace(waiting, "_inbox.Post(i);"));

        Assert.True(seen.Count < ItemCount, $"expected lost items, got all {seen.Count}");
    }

    [Fact]
    public async Task FixedBlockingCollectionDeliversEveryItemExactlyOnce()
    {
        var received = await RunHandoffAsync(BND4001FixTests.HandoffFixed);

        Assert.Equal(Enumerable.Range(0, ItemCount), received);
    }

    /// <summary>Bounding the collection but keeping TryAdd (what the fix refuses to do) loses items.</summary>
    [Fact]
    public async Task BoundingWithoutRewritingTryAddLosesItems()
    {
        const string waiting = "_items.Add(i);";
        Assert.Contains(waiting, BND4001FixTests.HandoffFixed);

        var received = await RunHandoffAsync(BND4001FixTests.HandoffFixed.Replace(waiting, "_items.TryAdd(i);"));

        Assert.True(received.Count < ItemCount, $"expected lost items, got all {received.Count}");
    }

    /// <summary>A producer thread and a consumer thread, as the code is meant to run.</summary>
    private static async Task<List<int>> RunHandoffAsync(string source)
    {
        using var compiled = InMemoryAssembly.Compile(source);
        var type = compiled.GetType("Handoff");
        var handoff = Activator.CreateInstance(type)!;
        var consumer = Task.Factory.StartNew(() => (List<int>)type.GetMethod("Consume")!.Invoke(handoff, null)!, TaskCreationOptions.LongRunning);
        var producer = Task.Factory.StartNew(() => type.GetMethod("Produce")!.Invoke(handoff, new object[] { ItemCount }), TaskCreationOptions.LongRunning);
        await producer.WaitAsync(TimeSpan.FromMinutes(2));
        return await consumer.WaitAsync(TimeSpan.FromMinutes(2));
    }

    private static async Task<IReadOnlyDictionary<int, int>> RunPipelineAsync(string source)
    {
        using var compiled = InMemoryAssembly.Compile(source);
        var type = compiled.GetType("Collector");
        var collector = Activator.CreateInstance(type)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await ((Task)type.GetMethod("ProduceAsync")!.Invoke(collector, new object[] { ItemCount })!).WaitAsync(timeout.Token);
        return new Dictionary<int, int>((IDictionary<int, int>)type.GetProperty("Seen")!.GetValue(collector)!);
    }

    private static async Task<List<int>> RunAsync(string source)
    {
        using var compiled = InMemoryAssembly.Compile(source);
        var pumpType = compiled.GetType("EventPump");
        var pump = Activator.CreateInstance(pumpType)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var consume = (Task<List<int>>)pumpType.GetMethod("ConsumeAsync")!.Invoke(pump, new object[] { timeout.Token })!;
        var produce = (Task)pumpType.GetMethod("ProduceAsync")!.Invoke(pump, new object[] { ItemCount })!;
        await produce.WaitAsync(timeout.Token);
        return await consume.WaitAsync(timeout.Token);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Showcase;

public static class Concurrency
{
    public static async Task RunAsync()
    {
        var items = Enumerable.Range(0, 100).Select(i => "item-" + i).ToList();
        await UnboundedAsync(items, CancellationToken.None);
        await BoundedAsync(items, CancellationToken.None);
        await FanOutAsync(items);
    }

    private static int Work(string item) => item.Length;

    // BND1001: one Task.Run per item, all running at once.
    private static async Task<int[]> UnboundedAsync(IEnumerable<string> items, CancellationToken cancellationToken)
    {
        var tasks = new List<Task<int>>();
        foreach (var item in items)
        {
            tasks.Add(Task.Run(() => Work(item), cancellationToken));
        }

        return await Task.WhenAll(tasks);
    }

    private static Task<int> WorkAsync(string item) => Task.FromResult(item.Length);

    // BND1002 (Info; Warning in strict mode): every element's operation starts at once.
    private static Task<int[]> FanOutAsync(IEnumerable<string> items) =>
        Task.WhenAll(items.Select(item => WorkAsync(item)));

    // BND1003: a dedicated OS thread (with its own stack) per item.
    private static void ThreadPerItem(IEnumerable<string> items)
    {
        foreach (var item in items)
        {
            new Thread(() => Work(item)).Start();
        }
    }

    // Not reported: the same loop with its bound — what the BND1001 fix writes.
    private static async Task<int[]> BoundedAsync(IEnumerable<string> items, CancellationToken cancellationToken)
    {
        var tasks = new List<Task<int>>();
        var maxConcurrency = Environment.ProcessorCount;
        var throttle = new SemaphoreSlim(maxConcurrency);
        foreach (var item in items)
        {
            await throttle.WaitAsync(cancellationToken);
            tasks.Add(Task.Run(() =>
            {
                try
                {
                    return Work(item);
                }
                finally
                {
                    throttle.Release();
                }
            }));
        }

        return await Task.WhenAll(tasks);
    }

    // Not reported: a worker pool sized by the processor count.
    private static async Task WorkerPoolAsync(Queue<string> queue)
    {
        var workers = new List<Task>();
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            workers.Add(Task.Run(() => { while (queue.TryDequeue(out var item)) { Work(item); } }));
        }

        await Task.WhenAll(workers);
    }
}

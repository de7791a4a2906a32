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

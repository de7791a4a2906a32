using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Consumer;

public sealed class Crawler
{
    private readonly HttpClient _http = new HttpClient();

    public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
    {
        var tasks = new List<Task<string>>();
        foreach (var url in urls)
        {
            tasks.Add(Task.Run(() => _http.GetStringAsync(url, cancellationToken))); // expect-strict BND1001
        }

        return await Task.WhenAll(tasks);
    }

    public async Task<int> CountAsync(IEnumerable<string> urls)
    {
        var total = 0;
        foreach (var url in urls)
        {
            total += (await Task.Run(() => _http.GetStringAsync(url))).Length;
        }

        return total;
    }

    public async Task<int[]> LengthsAsync(IEnumerable<string> urls)
    {
        var pages = await Task.WhenAll(urls.Select(url => _http.GetStringAsync(url))); // expect-strict BND1002
        return pages.Select(page => page.Length).ToArray();
    }

    public async Task ConvertAllAsync(IAsyncEnumerable<string> paths, CancellationToken cancellationToken)
    {
        await foreach (var path in paths)
        {
            var thread = new Thread(() => Convert(path)); // expect BND1003
            thread.Start();
        }
    }

    private static void Convert(string path)
    {
    }
}

using System.Collections.Generic;
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
            tasks.Add(Task.Run(() => _http.GetStringAsync(url, cancellationToken))); // expect BND1001
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
}

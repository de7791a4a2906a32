// An order-management HTTP API: controllers, the services they call, and a few request-scoped helpers.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Corpus.Api
{
    public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

    public sealed record Order(Guid Id, string CustomerId, IReadOnlyList<OrderLine> Lines, DateTimeOffset PlacedAt)
    {
        public decimal Total => Lines.Sum(l => l.Quantity * l.UnitPrice);
    }

    public sealed record Customer(string Id, string Name, string Email);

    public sealed record ShippingQuote(string Carrier, decimal Price, TimeSpan Eta);

    public interface IOrderRepository
    {
        Task<Order?> FindAsync(Guid id, CancellationToken cancellationToken = default);

        Task<IReadOnlyList<Order>> ListForCustomerAsync(string customerId, CancellationToken cancellationToken = default);

        Task SaveAsync(Order order, CancellationToken cancellationToken = default);

        Task DeleteAsync(Guid id, CancellationToken cancellationToken = default);
    }

    public interface ICustomerDirectory
    {
        Task<Customer?> GetAsync(string id, CancellationToken cancellationToken = default);
    }

    public interface INotificationSender
    {
        Task SendAsync(string recipient, string subject, string body, CancellationToken cancellationToken = default);
    }

    public interface IAuditLog
    {
        Task WriteAsync(string entry, CancellationToken cancellationToken = default);

        void Write(string entry);
    }

    public sealed class PricingClient
    {
        private readonly HttpClient _http;

        public PricingClient(HttpClient http) => _http = http;

        public async Task<decimal> GetPriceAsync(string sku, CancellationToken cancellationToken = default)
        {
            using var response = await _http.GetAsync("prices/" + Uri.EscapeDataString(sku), cancellationToken);
            response.EnsureSuccessStatusCode();
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        }

        public Task<ShippingQuote?> QuoteAsync(string carrier, Order order, CancellationToken cancellationToken = default) =>
            _http.GetFromJsonAsync<ShippingQuote>($"quotes/{carrier}/{order.Id}", cancellationToken);
    }

    [ApiController]
    [Route("api/orders")]
    public sealed class OrdersController : ControllerBase
    {
        private static readonly string[] Carriers = { "post", "courier", "freight" };

        private readonly IOrderRepository _orders;
        private readonly ICustomerDirectory _customers;
        private readonly INotificationSender _notifications;
        private readonly IAuditLog _audit;
        private readonly PricingClient _pricing;
        private readonly ILogger<OrdersController> _logger;
        private readonly SemaphoreSlim _pricingThrottle = new SemaphoreSlim(4);

        public OrdersController(IOrderRepository orders, ICustomerDirectory customers, INotificationSender notifications, IAuditLog audit, PricingClient pricing, ILogger<OrdersController> logger)
        {
            _orders = orders;
            _customers = customers;
            _notifications = notifications;
            _audit = audit;
            _pricing = pricing;
            _logger = logger;
        }

        [HttpGet("{id}")]
        public async Task<IActionResult> Get(Guid id, CancellationToken cancellationToken)
        {
            var order = await _orders.FindAsync(id, cancellationToken);
            return order is null ? NotFound() : Ok(order);
        }

        // Sequential: each price is awaited in the iteration that asks for it.
        [HttpPost("reprice")]
        public async Task<IActionResult> Reprice([FromBody] Order order, CancellationToken cancellationToken)
        {
            var lines = new List<OrderLine>();
            foreach (var line in order.Lines)
            {
                var price = await _pricing.GetPriceAsync(line.Sku, cancellationToken);
                lines.Add(line with { UnitPrice = price });
            }

            var repriced = order with { Lines = lines };
            await _orders.SaveAsync(repriced, cancellationToken);
            return Ok(repriced);
        }

        // Positive: a thread-pool task per line, collected and awaited, with no limit.
        [HttpPost("reprice-parallel")]
        public async Task<IActionResult> RepriceParallel([FromBody] Order order, CancellationToken cancellationToken)
        {
            var pending = new List<Task<decimal>>();
            foreach (var line in order.Lines)
            {
                pending.Add(Task.Run(() => _pricing.GetPriceAsync(line.Sku, cancellationToken), cancellationToken)); // expect BND1001
            }

            var prices = await Task.WhenAll(pending);
            var lines = order.Lines.Select((line, i) => line with { UnitPrice = prices[i] }).ToList();
            return Ok(order with { Lines = lines });
        }

        // Positive: async fan-out over the request's lines, awaited together.
        [HttpPost("validate")]
        public async Task<IActionResult> Validate([FromBody] Order order, CancellationToken cancellationToken)
        {
            var prices = await Task.WhenAll(order.Lines.Select(line => _pricing.GetPriceAsync(line.Sku, cancellationToken))); // expect BND1002
            var mismatches = order.Lines.Where((line, i) => line.UnitPrice != prices[i]).Select(line => line.Sku).ToArray();
            return mismatches.Length == 0 ? Ok() : BadRequest(mismatches);
        }

        // Not reported: three carriers, a constant-length array.
        [HttpGet("{id}/quotes")]
        public async Task<IActionResult> Quotes(Guid id, CancellationToken cancellationToken)
        {
            var order = await _orders.FindAsync(id, cancellationToken);
            if (order is null)
            {
                return NotFound();
            }

            var quotes = await Task.WhenAll(new[] { "post", "courier", "freight" }.Select(carrier => _pricing.QuoteAsync(carrier, order, cancellationToken)));
            return Ok(quotes.Where(q => q is not null).OrderBy(q => q!.Price));
        }

        // Not reported: the throttle is taken before each task starts and released when it ends.
        [HttpPost("reprice-throttled")]
        public async Task<IActionResult> RepriceThrottled([FromBody] Order order, CancellationToken cancellationToken)
        {
            var pending = new List<Task<decimal>>();
            foreach (var line in order.Lines)
            {
                await _pricingThrottle.WaitAsync(cancellationToken);
                pending.Add(Task.Run(async () =>
                {
                    try
                    {
                        return await _pricing.GetPriceAsync(line.Sku, cancellationToken);
                    }
                    finally
                    {
                        _pricingThrottle.Release();
                    }
                }, cancellationToken));
            }

            var prices = await Task.WhenAll(pending);
            return Ok(prices.Sum());
        }

        // Not reported: Parallel.ForEachAsync with an explicit degree of parallelism.
        [HttpPost("bulk-save")]
        public async Task<IActionResult> BulkSave([FromBody] List<Order> orders, CancellationToken cancellationToken)
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(orders, options, async (order, token) => await _orders.SaveAsync(order, token));
            return NoContent();
        }

        // Not reported by BND4002: Parallel.ForEachAsync treats -1 as the processor count.
        [HttpPost("bulk-delete")]
        public async Task<IActionResult> BulkDelete([FromBody] List<Guid> ids, CancellationToken cancellationToken)
        {
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = -1, CancellationToken = cancellationToken }, async (id, token) => await _orders.DeleteAsync(id, token));
            return NoContent();
        }

        // Not reported by BND2001: the mail is detached from the request, and the only tokens in scope are the request's,
        // which end with the response; short one-shot work with no fitting token is no evidence of harm. BND1005: one
        // mail left behind per request, and nothing limits how many are being sent.
        [HttpPost]
        public async Task<IActionResult> Place([FromBody] Order order, CancellationToken cancellationToken)
        {
            await _orders.SaveAsync(order, cancellationToken);
            var customer = await _customers.GetAsync(order.CustomerId, cancellationToken);
            if (customer is not null)
            {
                _ = _notifications.SendAsync(customer.Email, "Order received", $"Order {order.Id} is confirmed."); // expect BND1005
            }

            return Accepted(order.Id);
        }

        // Not reported by BND2001: the detached audit write receives the request's token. BND1005: an audit write left
        // behind per request, unbounded.
        [HttpDelete("{id}")]
        public async Task<IActionResult> Delete(Guid id, CancellationToken cancellationToken)
        {
            await _orders.DeleteAsync(id, cancellationToken);
            _ = _audit.WriteAsync("deleted " + id, cancellationToken); // expect BND1005
            return NoContent();
        }

        // Not reported: the task is stored and awaited before the action returns.
        [HttpPut("{id}")]
        public async Task<IActionResult> Update(Guid id, [FromBody] Order order, CancellationToken cancellationToken)
        {
            var audit = _audit.WriteAsync("updating " + id, cancellationToken);
            await _orders.SaveAsync(order with { Id = id }, cancellationToken);
            await audit;
            return NoContent();
        }

        // Positive: a timeout source linked to the request, never disposed.
        [HttpGet("{id}/shipping")]
        public async Task<IActionResult> Shipping(Guid id)
        {
            var timeout = CancellationTokenSource.CreateLinkedTokenSource(HttpContext.RequestAborted); // expect BND2003
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            var order = await _orders.FindAsync(id, timeout.Token);
            if (order is null)
            {
                return NotFound();
            }

            var quote = await _pricing.QuoteAsync("courier", order, timeout.Token);
            return Ok(quote);
        }

        // Not reported: the same shape under a using declaration.
        [HttpGet("{id}/shipping-fast")]
        public async Task<IActionResult> ShippingFast(Guid id)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(HttpContext.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
            var order = await _orders.FindAsync(id, timeout.Token);
            return order is null ? NotFound() : Ok(await _pricing.QuoteAsync("post", order, timeout.Token));
        }

        // Not reported: a request-sized response buffer, allocated once per call, handed to the response.
        [HttpGet("{id}/receipt")]
        public async Task<IActionResult> Receipt(Guid id, CancellationToken cancellationToken)
        {
            var order = await _orders.FindAsync(id, cancellationToken);
            if (order is null)
            {
                return NotFound();
            }

            var text = new StringBuilder();
            text.AppendLine("Receipt " + order.Id);
            foreach (var line in order.Lines)
            {
                text.AppendLine($"{line.Sku} x{line.Quantity} @ {line.UnitPrice}");
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            var body = new byte[bytes.Length + 2];
            bytes.CopyTo(body, 0);
            body[^2] = (byte)'\r';
            body[^1] = (byte)'\n';
            _logger.LogDebug("Receipt for {Order}: {Bytes} bytes", order.Id, body.Length);
            return File(new MemoryStream(body), "text/plain");
        }
    }

    [ApiController]
    [Route("api/customers")]
    public sealed class CustomersController : ControllerBase
    {
        private readonly ICustomerDirectory _customers;
        private readonly IOrderRepository _orders;
        private readonly INotificationSender _notifications;

        public CustomersController(ICustomerDirectory customers, IOrderRepository orders, INotificationSender notifications)
        {
            _customers = customers;
            _orders = orders;
            _notifications = notifications;
        }

        // Positive: one lookup per requested id, all awaited together (the tasks are added in a loop).
        [HttpPost("lookup")]
        public async Task<IActionResult> Lookup([FromBody] List<string> ids, CancellationToken cancellationToken)
        {
            var lookups = new List<Task<Customer?>>();
            foreach (var id in ids)
            {
                lookups.Add(_customers.GetAsync(id, cancellationToken)); // expect BND1002
            }

            var found = await Task.WhenAll(lookups);
            return Ok(found.Where(c => c is not null));
        }

        // Positive: async lambdas per customer, awaited together.
        [HttpPost("newsletter")]
        public async Task<IActionResult> Newsletter([FromBody] List<string> ids, CancellationToken cancellationToken)
        {
            var sends = ids.Select(async id => // expect BND1002
            {
                var customer = await _customers.GetAsync(id, cancellationToken);
                if (customer is not null)
                {
                    await _notifications.SendAsync(customer.Email, "News", "Hello " + customer.Name, cancellationToken);
                }
            });
            await Task.WhenAll(sends);
            return Accepted(ids.Count);
        }

        // Not reported: a sliding window keeps at most eight lookups running.
        [HttpPost("lookup-windowed")]
        public async Task<IActionResult> LookupWindowed([FromBody] List<string> ids, CancellationToken cancellationToken)
        {
            var running = new List<Task<Customer?>>();
            var found = new List<Customer>();
            foreach (var id in ids)
            {
                while (running.Count >= 8)
                {
                    var done = await Task.WhenAny(running);
                    running.Remove(done);
                    if (await done is { } customer)
                    {
                        found.Add(customer);
                    }
                }

                running.Add(_customers.GetAsync(id, cancellationToken));
            }

            foreach (var customer in await Task.WhenAll(running))
            {
                if (customer is not null)
                {
                    found.Add(customer);
                }
            }

            return Ok(found);
        }

        // Not reported: the history of one customer, sequential.
        [HttpGet("{id}/orders")]
        public async Task<IActionResult> Orders(string id, CancellationToken cancellationToken)
        {
            var orders = await _orders.ListForCustomerAsync(id, cancellationToken);
            var totals = new Dictionary<int, decimal>();
            foreach (var order in orders)
            {
                var year = order.PlacedAt.Year;
                totals[year] = totals.TryGetValue(year, out var sum) ? sum + order.Total : order.Total;
            }

            return Ok(totals);
        }
    }

    [ApiController]
    [Route("api/uploads")]
    public sealed class UploadsController : ControllerBase
    {
        private readonly string _root;
        private readonly ILogger<UploadsController> _logger;

        public UploadsController(ILogger<UploadsController> logger)
        {
            _root = Path.Combine(Path.GetTempPath(), "uploads");
            _logger = logger;
        }

        // Positive: a fresh 80 KB buffer per chunk of the upload.
        [HttpPost("raw")]
        public async Task<IActionResult> UploadRaw(CancellationToken cancellationToken)
        {
            var path = Path.Combine(_root, Guid.NewGuid().ToString("n"));
            await using var target = System.IO.File.Create(path);
            long total = 0;
            while (true)
            {
                var chunk = new byte[81920]; // expect BND3001
                var read = await Request.Body.ReadAsync(chunk, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                await target.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                total += read;
            }

            _logger.LogInformation("Stored {Bytes} bytes at {Path}", total, path);
            return Ok(total);
        }

        // Not reported: the buffer is allocated once, before the loop.
        [HttpPost("raw-hoisted")]
        public async Task<IActionResult> UploadRawHoisted(CancellationToken cancellationToken)
        {
            var path = Path.Combine(_root, Guid.NewGuid().ToString("n"));
            await using var target = System.IO.File.Create(path);
            var chunk = new byte[81920];
            long total = 0;
            int read;
            while ((read = await Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                await target.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                total += read;
            }

            return Ok(total);
        }

        // Not reported: every part is kept (the allocation is the data being produced).
        [HttpPost("parts")]
        public async Task<IActionResult> UploadParts([FromQuery] int partSize, CancellationToken cancellationToken)
        {
            var parts = new List<byte[]>();
            while (true)
            {
                var part = new byte[partSize];
                var read = await Request.Body.ReadAtLeastAsync(part, partSize, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                parts.Add(part);
            }

            return Ok(parts.Count);
        }

        // Positive: a Large Object Heap allocation on every call.
        [HttpGet("{name}/head")]
        public async Task<IActionResult> Head(string name, CancellationToken cancellationToken)
        {
            var buffer = new byte[1024 * 1024]; // expect BND3001
            await using var source = System.IO.File.OpenRead(Path.Combine(_root, name));
            var read = await source.ReadAsync(buffer, cancellationToken);
            return Ok(Convert.ToHexString(buffer, 0, Math.Min(read, 64)));
        }

        // Not reported: one small stack buffer, declared outside the loop.
        [HttpGet("{name}/checksum")]
        public IActionResult Checksum(string name)
        {
            using var source = System.IO.File.OpenRead(Path.Combine(_root, name));
            Span<byte> buffer = stackalloc byte[128];
            uint checksum = 0;
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                foreach (var b in buffer.Slice(0, read))
                {
                    checksum = (checksum * 31) + b;
                }
            }

            return Ok(checksum);
        }
    }

    /// <summary>A minimal-API style endpoint class: handlers receive the HttpContext.</summary>
    public static class HealthEndpoints
    {
        private static readonly HttpClient Probe = new HttpClient();

        // Positive: one probe per dependency, started with Task.Run per item and discarded (BND1001). No BND2001:
        // a short probe, and no token anywhere in this code's design.
        public static void WarmUp(IEnumerable<Uri> dependencies, ILogger logger)
        {
            foreach (var uri in dependencies)
            {
                Task.Run(() => Probe.GetAsync(uri)); // expect BND1001
            }

            logger.LogInformation("Warm-up started");
        }

        // Not reported: the probes are awaited one by one, and the request token flows into each.
        public static async Task<IReadOnlyDictionary<string, bool>> CheckAsync(HttpContext context, IReadOnlyList<Uri> dependencies)
        {
            var results = new Dictionary<string, bool>();
            foreach (var uri in dependencies)
            {
                try
                {
                    using var response = await Probe.GetAsync(uri, context.RequestAborted);
                    results[uri.Host] = response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    results[uri.Host] = false;
                }
            }

            return results;
        }

        // Not reported: returning the linked source hands ownership to the caller.
        public static CancellationTokenSource RequestScope(HttpContext context, TimeSpan budget)
        {
            var scope = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            scope.CancelAfter(budget);
            return scope;
        }

        // Not reported: JSON to the response, no loop.
        public static async Task WriteStatusAsync(HttpContext context, object status)
        {
            context.Response.StatusCode = 200;
            await JsonSerializer.SerializeAsync(context.Response.Body, status, cancellationToken: context.RequestAborted);
        }
    }
}

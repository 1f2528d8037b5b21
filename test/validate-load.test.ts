// A client with validate whose response validators cannot be loaded (a bundler that lost the
// chunk): every call is the typed error, nothing is sent, and a later call tries the load again.
import { createOperationsManagerClient, OperationsManagerError } from "../src/index";
import { TASK_ID } from "./support/constants";

let loads = 0;
jest.mock("../generated/response-validators", () => {
  loads++;
  throw new Error("the chunk is missing");
});

it("rejects each call with an OperationsManagerError naming the load, sends nothing, and retries the load", async () => {
  const fetch = jest.fn();
  const om = createOperationsManagerClient({
    baseUrl: "http://127.0.0.1:1",
    auth: { token: "t0ken" },
    validate: "throw",
    fetch,
  });
  for (let i = 0; i < 2; i++) {
    const error = await om.claimTask(TASK_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationsManagerError);
    expect((error as OperationsManagerError).message).toMatch(
      /response validators could not be loaded \(.*the chunk is missing/,
    );
  }
  expect(fetch).not.toHaveBeenCalled();
  expect(loads).toBeGreaterThanOrEqual(2);
});

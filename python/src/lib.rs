//! `ecs_placement._native`: the compiled half of the Python package `ecs-placement`.
//!
//! It stays thin: snapshots and requests arrive as JSON text (the pure-Python wrapper turns
//! dicts into text with `json.dumps`) and are read by the library's own readers, so a request
//! member the API does not have is refused exactly as `ecs-place` refuses it; responses leave as
//! Python objects built straight from the library's serde shapes (`to_python.rs`), without a
//! JSON round trip. Every call does its Rust work with the interpreter released (`Python::detach`),
//! so other Python threads run while a placement does.
//!
//! Errors leave as `ecs_placement.EcsError` subclasses, one per ECS exception name; the classes
//! are defined in Python (`ecs_placement/_errors.py`) so they can be subclassed, pickled and
//! documented like any Python class, and this module builds them through `_errors._make`.

mod to_python;

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use ecs_placement::aws::read::{RequestShape, text_from_bytes};
use ecs_placement::aws::shapes::{
    CONTAINER_INSTANCE, DELETE_ATTRIBUTES_REQUEST, PUT_ATTRIBUTES_REQUEST,
    REGISTER_TASK_DEFINITION_REQUEST, Shape,
};
use ecs_placement::aws::{
    Attribute, ContainerInstance, ContainerInstanceStatus, RunTaskRequest, StartTaskRequest,
    TaskDefinition,
};
use ecs_placement::model::{Snapshot, SnapshotFile};
use ecs_placement::query::{Expression, QueryError};
use ecs_placement::{EcsError, ExceptionName, Placer};
use pyo3::prelude::*;
use serde::Serialize;

/// A failure on its way to Python: an ECS error and, for query text, the byte span it points at.
struct Failure {
    error: EcsError,
    span: Option<(usize, usize)>,
}

impl From<EcsError> for Failure {
    fn from(error: EcsError) -> Self {
        Self { error, span: None }
    }
}

impl From<QueryError> for Failure {
    fn from(error: QueryError) -> Self {
        let span = Some((error.span.start, error.span.end));
        Self {
            error: error.into(),
            span,
        }
    }
}

impl Failure {
    /// The Python exception: `ecs_placement.<ExceptionName>(message)` with `.code`, `.message`
    /// and `.span`.
    fn into_py(self, py: Python<'_>) -> PyErr {
        let made = py
            .import("ecs_placement._errors")
            .and_then(|module| module.getattr("_make"))
            .and_then(|make| {
                make.call1((
                    self.error.exception.as_str(),
                    self.error.message.as_str(),
                    self.span,
                ))
            });
        match made {
            Ok(exception) => PyErr::from_value(exception),
            // The package is broken (its Python half missing): say so rather than lose the error.
            Err(import_error) => import_error,
        }
    }
}

type Outcome<T> = Result<T, Failure>;

/// A serde value as Python objects (dicts, lists, str, int, float, bool, None).
fn python_value<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    to_python::to_python(py, value).map_err(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!(
            "ecs_placement: cannot convert the result to Python objects: {e}"
        ))
    })
}

/// A call's outcome for Python: its value as Python objects, or its failure raised.
fn answer<'py>(py: Python<'py>, result: Outcome<impl Serialize>) -> PyResult<Bound<'py, PyAny>> {
    match result {
        Ok(value) => python_value(py, &value),
        Err(failure) => Err(failure.into_py(py)),
    }
}

/// Reads a snapshot given as JSON text or as the path of a file (UTF-8, with or without a
/// byte-order mark, or UTF-16 with one, as `ecs-place --cluster` reads it). Messages start
/// with the file's path, or with `snapshot` for text.
fn load_snapshot(source: &str, is_path: bool) -> Outcome<Snapshot> {
    let bytes;
    let (name, text) = if is_path {
        let path = PathBuf::from(source);
        bytes = std::fs::read(&path)
            .map_err(|e| EcsError::client(format!("{source}: cannot read the file: {e}")))?;
        let text = text_from_bytes(&bytes).map_err(|e| e.in_source(source))?;
        (source, text)
    } else {
        ("snapshot", std::borrow::Cow::Borrowed(source))
    };
    let (file, _unknown) = SnapshotFile::from_json(&text).map_err(|e| e.in_source(name))?;
    let snapshot = Snapshot::try_from(file)
        .map_err(|e| EcsError::new(ExceptionName::ClientException, format!("{name}: {e}")))?;
    Ok(snapshot)
}

/// Reads a request with the strict reader: unknown members are refused, type errors name the
/// member's path. The text came from `json.dumps` of the caller's dict, so positions in it
/// mean nothing to the caller and are left out of the message.
fn read_request<T: RequestShape>(text: &str) -> Outcome<T> {
    ecs_placement::aws::read::request(text, T::SHAPE).map_err(|e| {
        Failure::from(EcsError::new(
            e.exception,
            e.message.trim_start().to_owned(),
        ))
    })
}

/// Reads a document of `shape` with the strict reader, as [`read_request`] reads requests.
fn read_shaped<T: serde::de::DeserializeOwned>(text: &str, shape: &'static Shape) -> Outcome<T> {
    ecs_placement::aws::read::request(text, shape).map_err(|e| {
        Failure::from(EcsError::new(
            e.exception,
            e.message.trim_start().to_owned(),
        ))
    })
}

#[derive(serde::Deserialize)]
struct Attributes {
    attributes: Vec<Attribute>,
}

/// The UpdateContainerInstancesState response.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StateUpdateResponse {
    container_instances: Vec<ContainerInstance>,
    failures: Vec<ecs_placement::aws::Failure>,
}

/// The RegisterTaskDefinition and DeregisterTaskDefinition response.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TaskDefinitionResponse {
    task_definition: Option<TaskDefinition>,
}

/// The revision named by its ARN or `family:revision`.
fn find_task_definition(snapshot: &Snapshot, name: &str) -> Option<TaskDefinition> {
    snapshot
        .task_definitions()
        .iter()
        .find(|d| {
            d.task_definition_arn.as_deref() == Some(name)
                || match (d.family.as_deref(), d.revision) {
                    (Some(family), Some(revision)) => name == format!("{family}:{revision}"),
                    _ => false,
                }
        })
        .cloned()
}

/// The ListContainerInstances `status` filter as the API spells it.
fn status_filter(status: Option<&str>) -> Option<ContainerInstanceStatus> {
    status.map(ContainerInstanceStatus::parse)
}

/// ListContainerInstances on a snapshot. The filter is parsed and compiled here first so that
/// an error in it carries its span.
fn list(snapshot: &Snapshot, filter: Option<&str>, status: Option<&str>) -> Outcome<Vec<String>> {
    if let Some(text) = filter {
        Expression::parse(text)?.compile(snapshot)?;
    }
    let status = status_filter(status);
    let response =
        ecs_placement::query::list_container_instances(snapshot, filter, status.as_ref())?;
    Ok(response.container_instance_arns)
}

/// The response and the explanations of [`ecs_placement::explain_run_task`], as one dict.
#[derive(Serialize)]
struct Explained {
    response: ecs_placement::aws::RunTaskResponse,
    explanations: Vec<ecs_placement::placement::TaskExplanation>,
}

/// The StopTask response.
#[derive(Serialize)]
struct StopTaskResponse {
    task: Option<ecs_placement::aws::Task>,
}

/// `run_task(snapshot_source, is_path, request_json, seed)`: the RunTask response.
#[pyfunction]
fn run_task<'py>(
    py: Python<'py>,
    snapshot: &str,
    is_path: bool,
    request: &str,
    seed: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let result = py.detach(|| -> Outcome<_> {
        let snapshot = load_snapshot(snapshot, is_path)?;
        let request: RunTaskRequest = read_request(request)?;
        Ok(ecs_placement::run_task(&snapshot, &request, seed)?.response)
    });
    answer(py, result)
}

/// `start_task(snapshot_source, is_path, request_json, seed)`: the StartTask response.
#[pyfunction]
fn start_task<'py>(
    py: Python<'py>,
    snapshot: &str,
    is_path: bool,
    request: &str,
    seed: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let result = py.detach(|| -> Outcome<_> {
        let snapshot = load_snapshot(snapshot, is_path)?;
        let request: StartTaskRequest = read_request(request)?;
        Ok(ecs_placement::start_task(&snapshot, &request, seed)?.response)
    });
    answer(py, result)
}

/// `explain_run_task(snapshot_source, is_path, request_json, seed)`:
/// `{"response": ..., "explanations": [...]}`.
#[pyfunction]
fn explain_run_task<'py>(
    py: Python<'py>,
    snapshot: &str,
    is_path: bool,
    request: &str,
    seed: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let result = py.detach(|| -> Outcome<_> {
        let snapshot = load_snapshot(snapshot, is_path)?;
        let request: RunTaskRequest = read_request(request)?;
        let (outcome, explanations) = ecs_placement::explain_run_task(&snapshot, &request, seed)?;
        Ok(Explained {
            response: outcome.response,
            explanations,
        })
    });
    answer(py, result)
}

/// `list_container_instances(snapshot_source, is_path, filter, status)`: the matching ARNs.
#[pyfunction]
#[pyo3(signature = (snapshot, is_path, filter=None, status=None))]
fn list_container_instances(
    py: Python<'_>,
    snapshot: &str,
    is_path: bool,
    filter: Option<&str>,
    status: Option<&str>,
) -> PyResult<Vec<String>> {
    py.detach(|| -> Outcome<_> {
        let snapshot = load_snapshot(snapshot, is_path)?;
        list(&snapshot, filter, status)
    })
    .map_err(|failure| failure.into_py(py))
}

/// `check_expression(text)`: the expression's canonical form.
#[pyfunction]
fn check_expression(py: Python<'_>, text: &str) -> PyResult<String> {
    Expression::parse(text)
        .map(|expression| expression.to_string())
        .map_err(|error| Failure::from(error).into_py(py))
}

/// A snapshot that RunTask, StartTask, StopTask and the cluster-changing calls
/// (RegisterContainerInstance, PutAttributes, ...) change in place ([`ecs_placement::Placer`]).
///
/// The placer sits behind a mutex taken with the interpreter released: calls from several
/// Python threads run one at a time, in the order they get the lock, and never hold the
/// interpreter while they wait.
#[pyclass(frozen, name = "Placer", module = "ecs_placement._native")]
struct NativePlacer {
    inner: Mutex<Placer>,
}

impl NativePlacer {
    /// The placer, even after a panic in another call (the state is whole: a call changes it
    /// only when it completes).
    fn lock(&self) -> MutexGuard<'_, Placer> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl NativePlacer {
    /// PutAttributes (`delete` false) or DeleteAttributes.
    fn change_attributes<'py>(
        &self,
        py: Python<'py>,
        request: &str,
        delete: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let result = py.detach(|| -> Outcome<_> {
            // The wrapper makes `{"attributes": [...]}` from the list, so a message names
            // `attributes[N].member`.
            let shape = if delete {
                &DELETE_ATTRIBUTES_REQUEST
            } else {
                &PUT_ATTRIBUTES_REQUEST
            };
            let request: Attributes = read_shaped(request, shape)?;
            let mut placer = self.lock();
            if delete {
                placer.delete_attributes(&request.attributes)?;
            } else {
                placer.put_attributes(&request.attributes)?;
            }
            Ok(request.attributes)
        });
        answer(py, result)
    }
}

#[pymethods]
impl NativePlacer {
    /// `Placer(snapshot_source, is_path)`.
    #[new]
    fn new(py: Python<'_>, snapshot: &str, is_path: bool) -> PyResult<Self> {
        let snapshot = py
            .detach(|| load_snapshot(snapshot, is_path))
            .map_err(|failure| failure.into_py(py))?;
        Ok(Self {
            inner: Mutex::new(Placer::new(snapshot)),
        })
    }

    /// `run_task(request_json, seed)`: the RunTask response; the placed tasks join the state.
    fn run_task<'py>(
        &self,
        py: Python<'py>,
        request: &str,
        seed: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let result = py.detach(|| -> Outcome<_> {
            let request: RunTaskRequest = read_request(request)?;
            Ok(self.lock().run_task(&request, seed)?)
        });
        answer(py, result)
    }

    /// `start_task(request_json, seed)`: the StartTask response; the started tasks join the
    /// state ([`Placer::start_task`]).
    fn start_task<'py>(
        &self,
        py: Python<'py>,
        request: &str,
        seed: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let result = py.detach(|| -> Outcome<_> {
            let request: StartTaskRequest = read_request(request)?;
            Ok(self.lock().start_task(&request, seed)?)
        });
        answer(py, result)
    }

    /// `stop_task(task_arn)`: the task stops and what it held is released; the StopTask
    /// response `{"task": ...}` (the task as described after the call, desired status STOPPED).
    fn stop_task<'py>(&self, py: Python<'py>, task_arn: &str) -> PyResult<Bound<'py, PyAny>> {
        let result = py.detach(|| -> Outcome<_> {
            let mut placer = self.lock();
            placer.stop_task(task_arn)?;
            Ok(StopTaskResponse {
                task: placer.snapshot().describe_task(task_arn),
            })
        });
        answer(py, result)
    }

    /// `list_container_instances(filter=None, status=None)` on the current state.
    #[pyo3(signature = (filter=None, status=None))]
    fn list_container_instances(
        &self,
        py: Python<'_>,
        filter: Option<&str>,
        status: Option<&str>,
    ) -> PyResult<Vec<String>> {
        py.detach(|| -> Outcome<_> { list(self.lock().snapshot(), filter, status) })
            .map_err(|failure| failure.into_py(py))
    }

    /// `register_container_instance(instance_json)`: the registered instance's ARN. The
    /// instance is a `ContainerInstance` document, read strictly.
    fn register_container_instance(&self, py: Python<'_>, instance: &str) -> PyResult<String> {
        py.detach(|| -> Outcome<_> {
            let instance: ContainerInstance = read_shaped(instance, &CONTAINER_INSTANCE)?;
            Ok(self.lock().register_container_instance(instance)?)
        })
        .map_err(|failure| failure.into_py(py))
    }

    /// `deregister_container_instance(instance, force)`: the ARNs of the tasks a forced
    /// deregistration stopped.
    fn deregister_container_instance(
        &self,
        py: Python<'_>,
        instance: &str,
        force: bool,
    ) -> PyResult<Vec<String>> {
        py.detach(|| -> Outcome<_> {
            Ok(self.lock().deregister_container_instance(instance, force)?)
        })
        .map_err(|failure| failure.into_py(py))
    }

    /// `update_container_instances_state(instances, status)`: `{"containerInstances": [...],
    /// "failures": [...]}`, the updated instances as `snapshot()` describes them.
    fn update_container_instances_state<'py>(
        &self,
        py: Python<'py>,
        instances: Vec<String>,
        status: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let result = py.detach(|| -> Outcome<_> {
            let names: Vec<&str> = instances.iter().map(String::as_str).collect();
            let mut placer = self.lock();
            let update = placer
                .update_container_instances_state(&names, ContainerInstanceStatus::parse(status))?;
            let container_instances = if update.updated.is_empty() {
                Vec::new()
            } else {
                update
                    .updated
                    .iter()
                    .filter_map(|&p| placer.snapshot().describe_instance(p))
                    .collect()
            };
            Ok(StateUpdateResponse {
                container_instances,
                failures: update.failures,
            })
        });
        answer(py, result)
    }

    /// `set_agent_connected(instance, connected)`.
    fn set_agent_connected(&self, py: Python<'_>, instance: &str, connected: bool) -> PyResult<()> {
        py.detach(|| -> Outcome<_> {
            self.lock().set_agent_connected(instance, connected)?;
            Ok(())
        })
        .map_err(|failure| failure.into_py(py))
    }

    /// `put_attributes(request_json)` (`{"attributes": [...]}`): the attributes, as read.
    fn put_attributes<'py>(&self, py: Python<'py>, request: &str) -> PyResult<Bound<'py, PyAny>> {
        self.change_attributes(py, request, false)
    }

    /// `delete_attributes(request_json)` (`{"attributes": [...]}`): the attributes, as read.
    fn delete_attributes<'py>(
        &self,
        py: Python<'py>,
        request: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.change_attributes(py, request, true)
    }

    /// `register_task_definition(request_json)`: `{"taskDefinition": ...}`, the registered
    /// revision with its ARN, revision and status.
    fn register_task_definition<'py>(
        &self,
        py: Python<'py>,
        request: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let result = py.detach(|| -> Outcome<_> {
            let definition: TaskDefinition =
                read_shaped(request, &REGISTER_TASK_DEFINITION_REQUEST)?;
            let mut placer = self.lock();
            let arn = placer.register_task_definition(definition)?;
            Ok(TaskDefinitionResponse {
                task_definition: find_task_definition(placer.snapshot(), &arn),
            })
        });
        answer(py, result)
    }

    /// `deregister_task_definition(name)`: `{"taskDefinition": ...}`, now `INACTIVE`.
    fn deregister_task_definition<'py>(
        &self,
        py: Python<'py>,
        name: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let result = py.detach(|| -> Outcome<_> {
            let mut placer = self.lock();
            placer.deregister_task_definition(name)?;
            Ok(TaskDefinitionResponse {
                task_definition: find_task_definition(placer.snapshot(), name),
            })
        });
        answer(py, result)
    }

    /// `snapshot()`: the current state as a snapshot document (what `--state-out` writes).
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let file = py.detach(|| -> Outcome<SnapshotFile> { Ok(self.lock().snapshot().to_file()) });
        match file {
            Ok(file) => python_value(py, &file),
            Err(failure) => Err(failure.into_py(py)),
        }
    }
}

/// The module `ecs_placement._native`.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(run_task, module)?)?;
    module.add_function(wrap_pyfunction!(start_task, module)?)?;
    module.add_function(wrap_pyfunction!(explain_run_task, module)?)?;
    module.add_function(wrap_pyfunction!(list_container_instances, module)?)?;
    module.add_function(wrap_pyfunction!(check_expression, module)?)?;
    module.add_class::<NativePlacer>()?;
    Ok(())
}

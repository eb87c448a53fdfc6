"""Warren render farm: submit the open scene from Blender's Render properties.

Uses only Python's standard library (urllib): Blender's bundled Python has no pip by default, and
the warren-client package needs httpx and attrs, which it would have to install into Blender.
"""

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import bpy

bl_info = {
    "name": "Warren render farm",
    "author": "Warren",
    "version": (0, 1, 0),
    "blender": (3, 4, 0),
    "location": "Properties > Render > Warren render farm",
    "description": "Submit the scene to a Warren render farm and follow your jobs",
    "category": "Render",
}


class WarrenError(Exception):
    """The master refused a request (its JSON error, with the field at fault)."""


def _preferences(context):
    return context.preferences.addons[__name__].preferences


def _request(prefs, method, path, body=None):
    """Call the master's REST API; the JSON answer."""
    url = prefs.master_url.rstrip("/") + path
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if prefs.token:
        request.add_header("Authorization", f"Bearer {prefs.token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read().decode()
        return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        try:
            detail = json.loads(error.read().decode())
            message = detail.get("error", str(error))
            if detail.get("field"):
                message += f" (field `{detail['field']}`)"
        except ValueError:
            message = str(error)
        raise WarrenError(f"{error.code}: {message}") from None
    except urllib.error.URLError as error:
        raise WarrenError(f"cannot reach the master at {prefs.master_url}: {error.reason}") from None
    except (OSError, ValueError) as error:
        raise WarrenError(f"no usable answer from the master at {prefs.master_url}: {error}") from None


class WarrenPreferences(bpy.types.AddonPreferences):
    """Kept in Blender's preferences, not in the .blend, so tokens do not travel with scenes."""

    bl_idname = __name__

    master_url: bpy.props.StringProperty(name="Master URL", default="http://127.0.0.1:8420")
    token: bpy.props.StringProperty(name="API token", subtype="PASSWORD")
    farm_dir: bpy.props.StringProperty(
        name="Farm directory",
        description="Where submitted copies of the .blend and the frames go; every render node must read it (path maps apply)",
        subtype="DIR_PATH",
    )

    def draw(self, context):
        layout = self.layout
        layout.prop(self, "master_url")
        layout.prop(self, "token")
        layout.prop(self, "farm_dir")


class WarrenRecentJob(bpy.types.PropertyGroup):
    job_id: bpy.props.IntProperty()
    title: bpy.props.StringProperty()
    state: bpy.props.StringProperty()
    progress: bpy.props.FloatProperty(subtype="PERCENTAGE", min=0, max=100)


class WarrenSettings(bpy.types.PropertyGroup):
    title: bpy.props.StringProperty(name="Title", description="Job title (default: the .blend's name)")
    use_scene_range: bpy.props.BoolProperty(name="Scene frame range", default=True)
    frame_start: bpy.props.IntProperty(name="Start", default=1)
    frame_end: bpy.props.IntProperty(name="End", default=250)
    frames_per_task: bpy.props.IntProperty(name="Frames per task", default=1, min=1)
    priority: bpy.props.IntProperty(name="Priority", default=50, min=0, max=100)
    queue: bpy.props.StringProperty(name="Queue", description="Job queue (default: the farm's)")
    tags: bpy.props.StringProperty(name="Tags", description="Tags a render node must have, comma-separated")
    encode_movie: bpy.props.BoolProperty(name="Encode a movie afterwards", default=False)
    last_job: bpy.props.IntProperty(name="Last job", default=0)
    last_url: bpy.props.StringProperty(name="Job page")
    recent: bpy.props.CollectionProperty(type=WarrenRecentJob)


def _frame_range(scene, settings):
    if settings.use_scene_range:
        return scene.frame_start, scene.frame_end
    return settings.frame_start, settings.frame_end


def submit_scene(context):
    """Save a copy of the .blend into the farm directory, submit a `blender` job (and an `ffmpeg`
    child when asked); the ids of the jobs made."""
    prefs = _preferences(context)
    scene = context.scene
    settings = scene.warren
    if not prefs.farm_dir:
        raise WarrenError("set the farm directory in the add-on's preferences")
    farm_dir = bpy.path.abspath(prefs.farm_dir)
    os.makedirs(farm_dir, exist_ok=True)
    name = bpy.path.display_name_from_filepath(bpy.data.filepath) or "untitled"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = os.path.join(farm_dir, f"{name}-{stamp}")
    blend = base + ".blend"
    frames_dir = base
    os.makedirs(frames_dir, exist_ok=True)
    # The copy renders PNG frames (what the encode job reads); the open scene is left as it was
    # (switching formats clamps the colour depth and mode, so those are put back too).
    image = scene.render.image_settings
    before = (image.file_format, image.color_mode, image.color_depth)
    image.file_format = "PNG"
    try:
        bpy.ops.wm.save_as_mainfile(filepath=blend, copy=True, check_existing=False)
    finally:
        image.file_format, image.color_mode, image.color_depth = before
    start, end = _frame_range(scene, settings)
    title = settings.title or name
    job = {
        "title": title,
        "jobtype": "blender",
        "start": start,
        "end": end,
        "by": max(1, scene.frame_step),
        "batch": settings.frames_per_task,
        "priority": settings.priority,
        "data": {
            "scene": blend,
            "output": os.path.join(frames_dir, "####"),
            "engine": scene.render.engine,
        },
    }
    tags = [tag.strip() for tag in settings.tags.split(",") if tag.strip()]
    if tags:
        job["tag_requirements"] = tags
    if settings.queue:
        job["queue"] = settings.queue
    render = _request(prefs, "POST", "/api/v1/jobs", job)
    made = [render]
    settings.last_job = render["id"]
    settings.last_url = f"{prefs.master_url.rstrip('/')}/#/jobs/{render['id']}"
    _remember(settings, render)
    if settings.encode_movie:
        fps = scene.render.fps / scene.render.fps_base
        encode = {
            "title": f"{title} (movie)",
            "jobtype": "ffmpeg",
            "start": start,
            "end": end,
            "batch": end - start + 1,
            "priority": settings.priority,
            "parents": [render["id"]],
            "data": {
                # ffmpeg reads `%` in the pattern as its own.
                "input": os.path.join(frames_dir.replace("%", "%%"), "%04d.png"),
                "output": base + ".mp4",
                "fps": f"{fps:g}",
            },
        }
        if settings.queue:
            encode["queue"] = settings.queue
        try:
            made.append(_request(prefs, "POST", "/api/v1/jobs", encode))
        except WarrenError as error:
            raise WarrenError(f"job {render['id']} renders the frames, but the movie job was refused: {error}") from None
        _remember(settings, made[-1])
    return [job_made["id"] for job_made in made]


def _remember(settings, job):
    item = settings.recent.add()
    item.job_id, item.title, item.state = job["id"], job["title"], job["state"]
    while len(settings.recent) > 10:
        settings.recent.remove(0)


def refresh_recent(context):
    """List the user's ten newest jobs (whoever submitted them, from wherever) with their state
    and progress."""
    prefs = _preferences(context)
    me = _request(prefs, "GET", "/api/v1/auth/me")
    query = urllib.parse.urlencode({"user": me["username"], "limit": 10})
    jobs = _request(prefs, "GET", f"/api/v1/jobs?{query}")["jobs"]
    recent = context.scene.warren.recent
    recent.clear()
    for job in reversed(jobs):
        item = recent.add()
        item.job_id, item.title, item.state = job["id"], job["title"], job["state"]
        item.progress = 100.0 * float(job.get("progress", 0.0))
    return [job["id"] for job in jobs]


class WARREN_OT_submit(bpy.types.Operator):
    """Save a copy of this .blend to the farm directory and submit it to the Warren farm"""

    bl_idname = "warren.submit"
    bl_label = "Submit to Warren"

    def execute(self, context):
        try:
            ids = submit_scene(context)
        except (WarrenError, OSError, RuntimeError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        self.report({"INFO"}, f"submitted job {', '.join(map(str, ids))}: {context.scene.warren.last_url}")
        return {"FINISHED"}


class WARREN_OT_refresh(bpy.types.Operator):
    """List your newest Warren jobs with their state and progress"""

    bl_idname = "warren.refresh"
    bl_label = "Refresh"

    def execute(self, context):
        try:
            refresh_recent(context)
        except (WarrenError, KeyError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        return {"FINISHED"}


class WARREN_OT_open_job(bpy.types.Operator):
    """Open the last job's page in the farm's web UI"""

    bl_idname = "warren.open_job"
    bl_label = "Open job page"

    def execute(self, context):
        bpy.ops.wm.url_open(url=context.scene.warren.last_url)
        return {"FINISHED"}


class WARREN_PT_panel(bpy.types.Panel):
    bl_label = "Warren render farm"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "render"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.warren
        prefs = _preferences(context)
        layout.label(text=f"Master: {prefs.master_url}")
        layout.prop(settings, "title")
        layout.prop(settings, "use_scene_range")
        if not settings.use_scene_range:
            row = layout.row()
            row.prop(settings, "frame_start")
            row.prop(settings, "frame_end")
        layout.prop(settings, "frames_per_task")
        layout.prop(settings, "priority")
        layout.prop(settings, "queue")
        layout.prop(settings, "tags")
        layout.prop(settings, "encode_movie")
        layout.operator("warren.submit", icon="RENDER_ANIMATION")
        if settings.last_job:
            row = layout.row()
            row.label(text=f"Job {settings.last_job}")
            row.operator("warren.open_job", icon="URL")
        if len(settings.recent):
            box = layout.box()
            header = box.row()
            header.label(text="Recent jobs")
            header.operator("warren.refresh", icon="FILE_REFRESH", text="")
            for item in reversed(settings.recent):
                row = box.row()
                row.label(text=f"{item.job_id} {item.title}")
                row.label(text=f"{item.state} {item.progress:.0f}%")


CLASSES = (
    WarrenPreferences,
    WarrenRecentJob,
    WarrenSettings,
    WARREN_OT_submit,
    WARREN_OT_refresh,
    WARREN_OT_open_job,
    WARREN_PT_panel,
)


def register():
    for cls in CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.Scene.warren = bpy.props.PointerProperty(type=WarrenSettings)


def unregister():
    del bpy.types.Scene.warren
    for cls in reversed(CLASSES):
        bpy.utils.unregister_class(cls)
